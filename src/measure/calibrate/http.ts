import { Type } from '@sinclair/typebox';
import { createServiceApp } from '../../platform/http/app.ts';
import { serviceClient } from '../../platform/http/client.ts';
import { serviceMetrics } from '../../platform/metrics.ts';
import { ownCpuMs, saturate, type Saturation } from './sampler.ts';

export interface HttpPrimitiveOptions {
  /** ms measured */
  readonly durationMs: number;
  /** requests in flight at once, each on its own keep-alive connection; default 4 */
  readonly concurrency?: number;
}

/** a body the size and shape of a payment call */
const PaymentLike = Type.Object({ orderId: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }), amount: Type.Integer({ minimum: 1 }) });

/**
 * One service-to-service HTTP round trip through the stack the services use: the project's Fastify app
 * (schemas, problem+json, trace context, metrics hooks) answering a payment-sized POST, called by the
 * project's undici service client. Server and client share this process, as services do in the inproc
 * topology, so the CPU per request is both halves of one call.
 */
export async function measureHttpRoundTrip(opts: HttpPrimitiveOptions): Promise<Saturation> {
  const metrics = serviceMetrics('calibrate');
  const app = await createServiceApp({ service: 'calibrate', metrics, logLevel: 'error' });
  app.post('/internal/payments', { schema: { body: PaymentLike } }, async (request, reply) =>
    reply.code(201).send({ orderId: request.body.orderId, status: 'paid', balanceAfter: 1_000 - request.body.amount }),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const concurrency = opts.concurrency ?? 4;
  const client = serviceClient({
    caller: metrics,
    target: 'calibrate',
    directory: { calibrate: url },
    // The route checks no token; the client still sends one, as every internal call does.
    token: async () => 'calibration',
    connections: concurrency,
  });
  let n = 0;
  try {
    return await saturate({
      durationMs: opts.durationMs,
      concurrency,
      cpuMs: ownCpuMs,
      op: async () => {
        const answer = await client.post({ route: '/internal/payments', body: { orderId: `o${++n}`, userId: 'u1', amount: 300 } });
        if (answer.status !== 201) throw new Error(`calibration HTTP round trip answered ${answer.status}`);
      },
    });
  } finally {
    await client.close();
    await app.close();
  }
}
