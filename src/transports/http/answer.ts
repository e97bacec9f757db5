import type { FastifyReply } from 'fastify';
import type { DomainError, Result } from '../../services/kernel/index.ts';
import { domainProblem } from './domain-problem.ts';
import { sendProblem } from '../../platform/http/problem.ts';

/**
 * A use case's Result as the route's answer: its value (sent with `status` when that is not 200), or
 * its error as problem+json with the status the error's code maps to.
 */
export function answer<T>(reply: FastifyReply, result: Result<T, DomainError>, status?: number): T | FastifyReply {
  if (!result.ok) return sendProblem(reply, domainProblem(result.error));
  return status === undefined ? result.value : reply.code(status).send(result.value);
}
