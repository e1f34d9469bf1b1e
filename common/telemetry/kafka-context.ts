import { type Context, context, propagation } from '@opentelemetry/api';

/** Kafka message headers as kafkajs gives them. */
export type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/**
 * W3C trace context (traceparent, tracestate) into Kafka message headers, so a reading's trace crosses
 * Kafka from the producer to the detector. With tracing off the propagator is a no-op and no header is
 * added.
 */
export function injectTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The trace context a message carries, as the parent for the consumer's span. */
export function extractTraceContext(headers: KafkaHeaders | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) carrier[key] = first.toString();
  }
  return propagation.extract(context.active(), carrier);
}
