/** The benchmark's JSON shapes: per attack, per method (the keys the watermark issue names). */
import type { EmbedVerdict } from "../verify.ts";

export interface Worst {
  image: string;
  exactRecovery: number;
  bitAccuracy: number;
}
export interface AttackResult {
  bitAccuracy: number;
  exactRecovery: number;
  worst: Worst;
  /** images with at least one failed trial (at most 12 listed) */
  failed: string[];
  failedCount: number;
}
export interface MethodResult {
  psnr: number;
  psnrMin: number;
  psnrMinImage: string;
  ssim: number;
  ssimMin: number;
  ssimMinImage: string;
  p999AbsDiff: number;
  p999AbsDiffMax: number;
  p999AbsDiffMaxImage: string;
  /**
   * RMS luma / chroma change (3×3 mean) over the smooth pixels (local contrast below 1 grey level;
   * metrics.ts smoothChange), mean and max over the images with a smooth share ≥ 1%, grey levels
   */
  smoothRms: number;
  smoothRmsMax: number;
  smoothRmsMaxImage: string;
  smoothChromaRms: number;
  smoothChromaRmsMax: number;
  smoothChromaRmsMaxImage: string;
  verdicts?: Record<EmbedVerdict, number>;
  weakImages?: string[];
  embedMs: number;
  detectMs: number;
  embedMsMin: number;
  detectMsMin: number;
  stages?: {
    embed: Record<string, number>;
    detect: Record<string, number>;
    embedVerifiedMs?: number;
    embedVerifiedStages?: Record<string, number>;
    embedVerifiedVerdict?: EmbedVerdict;
  };
  falsePositives: { trials: number; hits: number; note?: string };
  attacks: Record<string, AttackResult>;
}
