import { composeService } from '../../src/runtime/service.ts';
import { DEFAULT_LIMITS } from '../../src/runtime/limits.ts';
import { cheapHasher } from './builders.ts';
import { replicaData, serve } from './workers.ts';

/**
 * One replica of the auth service, composed as `interplay service auth` composes it, on its own
 * connection to the auth database in `dataDir`. It counts the passwords it checks.
 */

const { dataDir, serviceSecret } = replicaData<{ dataDir: string; serviceSecret: string }>();
let verified = 0;
const hasher = {
  hash: cheapHasher.hash,
  verify: (hashed: string, password: string) => {
    verified += 1;
    return cheapHasher.verify(hashed, password);
  },
};
const auth = await composeService({ name: 'auth', style: 'rest', dataDir, peers: {}, serviceSecret, hasher, logLevel: 'fatal', limits: DEFAULT_LIMITS });

interface Attempt {
  readonly email: string;
  readonly password: string;
  readonly address: string;
  /** attempts sent at once */
  readonly count?: number;
}

/** One login through the replica's HTTP routes: its status and Retry-After. */
async function login({ email, password, address }: Attempt) {
  const res = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: address });
  return { status: res.statusCode, retryAfter: res.headers['retry-after'] };
}

serve(
  {
    login,
    burst: (attempt: Attempt) => Promise.all(Array.from({ length: attempt.count ?? 1 }, () => login(attempt))),
    verified: async () => verified,
  },
  () => auth.stop(),
);
