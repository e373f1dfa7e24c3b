/**
 * The load side of `bench/api.ts`, in a process of its own so autocannon's
 * work is not counted against the API's cores' scheduling in the same event
 * loop: an authenticated read (GET /v1/pairs) then pair creation (a pair
 * nobody made before on every request), each spread over many Elite users
 * so the per-user rate limit (1 200 a minute) does not cap the figures.
 * Input: JSON in BENCH_API_LOAD. Output: one JSON line on stdout.
 */
import autocannon from 'autocannon';

interface LoadInput {
  url: string;
  users: Array<{ token: string; accountId: string }>;
  durationS: number;
  connections: number;
}

const input = JSON.parse(process.env.BENCH_API_LOAD ?? '{}') as LoadInput;

function progress(message: string): void {
  process.stderr.write(`bench api (load): ${message}\n`);
}

type Req = autocannon.Request;

async function run(title: string, durationS: number, setup: (req: Req, n: number) => Req): Promise<autocannon.Result> {
  let n = 0;
  progress(`${title}: ${durationS} s, ${input.connections} connections`);
  const result = await autocannon({
    url: input.url,
    connections: input.connections,
    duration: durationS,
    requests: [{ setupRequest: (req) => setup(req, n++) }],
  });
  progress(`${title}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
  return result;
}

const user = (n: number) => input.users[n % input.users.length]!;
const auth = (n: number) => ({ authorization: `Bearer ${user(n).token}`, 'content-type': 'application/json' });

const readRequest = (req: Req, n: number): Req => ({ ...req, method: 'GET', path: '/v1/pairs?limit=20', headers: auth(n) });

/** Snowflake-shaped chat ids no request repeats: the pair is new every time. */
const base = 200_000_000_000_000_000n;
const createRequest = (req: Req, n: number): Req => ({
  ...req,
  method: 'POST',
  path: '/v1/pairs',
  headers: auth(n),
  body: JSON.stringify({
    source: { platform: 'discord', accountId: user(n).accountId, chatId: String(base + BigInt(n)) },
    destination: { platform: 'discord', accountId: user(n).accountId, chatId: String(base - 1n - BigInt(n % input.users.length)) },
  }),
});

await run('warm-up', 2, readRequest);
const read = await run('read GET /v1/pairs', input.durationS, readRequest);
const create = await run('create POST /v1/pairs', input.durationS, createRequest);

const failures = (r: autocannon.Result) => r.errors + r.timeouts + r.non2xx;
console.log(JSON.stringify({
  read_rps: Math.round(read.requests.average),
  read_p99_ms: read.latency.p99,
  read_requests: read.requests.total,
  create_rps: Math.round(create.requests.average),
  create_p99_ms: create.latency.p99,
  create_requests: create.requests.total,
  errors: failures(read) + failures(create),
}));
