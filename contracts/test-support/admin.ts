/**
 * The rule every role-guarded setter shares: anyone without the role is refused with OpenZeppelin's
 * `AccessControlUnauthorizedAccount`, the role holder's call goes through (and, where the test names one,
 * emits its event with those arguments).
 */
import type { Hex } from "viem";
import type { createFixture } from "./fixture.ts";

type Fixture = Awaited<ReturnType<typeof createFixture>>;
type Wallet = Fixture["admin"];
type Contract = Parameters<Fixture["viem"]["assertions"]["revertWithCustomError"]>[1];

export async function assertRoleGuarded(
  f: Fixture,
  contract: Contract,
  call: (account: Wallet["account"]) => Promise<Hex>,
  {
    holder = f.admin,
    outsider = f.outsider,
    emits,
  }: { holder?: Wallet; outsider?: Wallet; emits?: { event: string; args: unknown[] } } = {},
): Promise<void> {
  await f.viem.assertions.revertWithCustomError(
    call(outsider.account),
    contract,
    "AccessControlUnauthorizedAccount",
  );
  if (emits) await f.viem.assertions.emitWithArgs(call(holder.account), contract, emits.event, emits.args);
  else await f.mined(call(holder.account));
}
