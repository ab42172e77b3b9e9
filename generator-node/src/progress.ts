/** A one-line live status on stderr when the node runs in a terminal. */
import type { GeneratorNode } from "./node.ts";

export function startProgress(node: GeneratorNode, info: { provider: string; gateway: string }): () => void {
  if (!process.stderr.isTTY) return () => undefined;
  const spin = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let i = 0;
  const t = setInterval(() => {
    const c = node.counts;
    const line =
      `${spin[i++ % spin.length]} block ${node.lastBlock} | queue ${node.queueDepth} | in flight ${node.inFlight} | ` +
      `fulfilled ${c.fulfilled} rejected ${c.rejected} released ${c.released} skipped ${c.skipped} lost ${c.lost} | ` +
      `${info.provider} | ${info.gateway}`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 160) - 1)}`);
  }, 250);
  t.unref();
  return () => {
    clearInterval(t);
    process.stderr.write("\r\x1b[2K");
  };
}
