import type { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/** Paths that are scraped or probed all day long: tracing them would drown the traces that matter. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * Starts OpenTelemetry tracing for a service, configured by the standard OTEL_* variables: spans are
 * exported with OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
 * sampled by OTEL_TRACES_SAMPLER. With no endpoint set (or OTEL_SDK_DISABLED=true) nothing starts and the
 * API stays a no-op, so tracing costs nothing unless asked for: not even the SDK is loaded (its modules
 * held 9 MB of an idle detector's heap, and 10 MB of its resident memory). Called, and awaited, from each
 * service's instrumentation file, which Node loads before anything else (`--import`), so http is patched
 * in time.
 */
export async function startTracing(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (sdk || !endpoint || env.OTEL_SDK_DISABLED === 'true') return false;
  const [{ OTLPTraceExporter }, { HttpInstrumentation }, { NodeSDK }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/sdk-node'),
  ]);
  if (sdk) return false;
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || serviceName,
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        // The services' own outgoing HTTP is Prometheus-style polling at most; only serving is traced.
        ignoreOutgoingRequestHook: () => true,
      }),
    ],
  });
  sdk.start();
  return true;
}

/**
 * Whether this process traces: callers that would build spans, attributes and keys for every reading skip
 * all of it when not (the API's no-op spans are cheap, but what is built for them is not).
 */
export function isTracing(): boolean {
  return sdk !== undefined;
}

/** Flushes and stops tracing (a no-op when it never started); part of every service's shutdown. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
