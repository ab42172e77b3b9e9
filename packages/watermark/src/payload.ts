/**
 * Payload format: 64 bits = format version (8 bits, high byte) ‖ watermark id (56 bits).
 */
export const PAYLOAD_VERSION = 1;
export const MAX_WATERMARK_ID = (1n << 56n) - 1n;

export interface PayloadFields {
  version: number;
  id: bigint;
}

export function encodePayload(fields: PayloadFields): bigint {
  const { version, id } = fields;
  if (!Number.isInteger(version) || version < 0 || version > 255) {
    throw new RangeError(`payload version must be an integer 0..255, got ${version}`);
  }
  if (typeof id !== "bigint" || id < 0n || id > MAX_WATERMARK_ID) {
    throw new RangeError(`watermark id must be a bigint in 0..2^56-1, got ${String(id)}`);
  }
  return (BigInt(version) << 56n) | id;
}

export function decodePayload(payload: bigint): PayloadFields {
  checkPayload(payload);
  return { version: Number(payload >> 56n), id: payload & MAX_WATERMARK_ID };
}

export function checkPayload(payload: bigint): void {
  if (typeof payload !== "bigint" || payload < 0n || payload >= 1n << 64n) {
    throw new RangeError(`payload must be a bigint in 0..2^64-1, got ${String(payload)}`);
  }
}

/** 64-bit payload → 16 lowercase hex digits. */
export function payloadToHex(payload: bigint): string {
  checkPayload(payload);
  return payload.toString(16).padStart(16, "0");
}

/** 16 hex digits (optional 0x prefix) → 64-bit payload. */
export function payloadFromHex(hex: string): bigint {
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{16}$/.test(h)) {
    throw new RangeError(`payload must be exactly 16 hex digits, got "${hex}"`);
  }
  return BigInt("0x" + h);
}

/** Accepts a bigint or a 16-digit hex string. */
export function toPayload(payload: bigint | string): bigint {
  if (typeof payload === "string") return payloadFromHex(payload);
  checkPayload(payload);
  return payload;
}
