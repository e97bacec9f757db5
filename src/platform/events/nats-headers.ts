// Apart from trace.ts, which every HTTP service imports: only the event styles load the NATS client.
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';

/** Record → NATS headers. Values with CR/LF are flattened: they would break the header block. */
export function toNatsHeaders(record: Readonly<Record<string, string>> | undefined): MsgHdrs | undefined {
  if (!record) return undefined;
  const entries = Object.entries(record);
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [key, value] of entries) h.set(key, value.replace(/[\r\n]+/g, ' '));
  return h;
}

/** NATS headers → record (last value wins), dropping the status pseudo-header. */
export function fromNatsHeaders(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.last(key);
  return out;
}
