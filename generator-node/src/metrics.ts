import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "atelier_node_" });
  return {
    registry,
    jobs: new Counter({
      name: "atelier_node_jobs_total",
      help: "Jobs by outcome (fulfilled, rejected, released, lost, skipped, failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    stage: new Histogram({
      name: "atelier_node_stage_seconds",
      help: "Latency of each pipeline stage",
      labelNames: ["stage"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queue: new Gauge({
      name: "atelier_node_queue_depth",
      help: "Open jobs waiting for capacity",
      registers: [registry],
    }),
    inflight: new Gauge({
      name: "atelier_node_jobs_in_flight",
      help: "Claimed jobs being produced",
      registers: [registry],
    }),
    modelMemory: new Gauge({
      name: "atelier_node_model_memory_bytes",
      help: "Memory per loaded model: weights = the ONNX file; resident = RSS growth while its ONNX Runtime sessions were created and warmed up (all workers); safety = RSS growth while its workers loaded the output safety classifier; 0 for a model that shares another's producers (the variation model)",
      labelNames: ["model", "kind"] as const,
      registers: [registry],
    }),
    provider: new Gauge({
      name: "atelier_node_execution_provider",
      help: "Execution provider in use (1 = active)",
      labelNames: ["provider", "model"] as const,
      registers: [registry],
    }),
    providerFallback: new Gauge({
      name: "atelier_node_cuda_fallback",
      help: "1 when provider auto found CUDA installed but it failed to load (the model runs on CPU; see the log and /readyz)",
      labelNames: ["model"] as const,
      registers: [registry],
    }),
    unsafeRerolls: new Counter({
      name: "atelier_node_unsafe_rerolls_total",
      help: "Outputs flagged unsafe before the claim that made the node draw a new secret and produce again (safety.rerolls per job at most; a job still flagged after them is claimed only to be rejected)",
      registers: [registry],
    }),
    rpc: new Counter({
      name: "atelier_node_rpc_requests_total",
      help: "JSON-RPC requests sent to the chain endpoint, by method",
      labelNames: ["method"] as const,
      registers: [registry],
    }),
    journalWrites: new Counter({
      name: "atelier_node_journal_writes_total",
      help: "Durable journal writes (file + directory fsync each): job records and checkpoints",
      registers: [registry],
    }),
    lastBlock: new Gauge({
      name: "atelier_node_last_block",
      help: "Last block scanned for requests",
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
