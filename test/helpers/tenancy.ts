import type { Knex } from 'knex';
import type { Response } from 'supertest';
import type { Client, TestApp } from './app';
import { signedInClient } from './app';

/** A user-owned resource: where it lives and how user A creates one of its rows. */
export interface OwnedResource {
  /** The API area's mount path, e.g. /api/strategies. */
  basePath: string;
  create(client: Client): Promise<number>;
  /** A valid body for PUT /:id, so that a 404 cannot come from validation. */
  updateBody: Record<string, unknown>;
  /** The area's other routes on one row (`POST /:id/stop`), each sent by user B with an empty body. */
  actions?: string[];
}

/**
 * Proves that user B can neither see nor change user A's row: every `/:id` route answers 404 (the same as a missing
 * row), the list does not show it, and A's row is unchanged afterwards.
 */
export async function expectTenantIsolation(app: TestApp, resource: OwnedResource): Promise<void> {
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  const id = await resource.create(alice);
  const url = `${resource.basePath}/${id}`;
  const before = (await alice.get(url).expect(200)).body;

  const answers = {
    get: (await bob.get(url)).status,
    put: (await bob.send('put', url, resource.updateBody)).status,
    delete: (await bob.send('delete', url)).status,
  };
  expect(answers).toEqual({ get: 404, put: 404, delete: 404 });
  for (const action of resource.actions ?? []) {
    const [method, path] = action.split(' ');
    const target = `${resource.basePath}${path.replace(':id', String(id))}`;
    const res = method === 'GET' ? await bob.get(target) : await bob.send(method.toLowerCase() as 'post', target, {});
    expect([action, res.status]).toEqual([action, 404]);
  }

  const list = (await bob.get(resource.basePath).expect(200)).body as { id: number }[];
  expect(list.map((row) => row.id)).not.toContain(id);
  expect((await alice.get(url).expect(200)).body).toEqual(before);
}

/**
 * Rows of the tables that hold users' data (those with a `user_id`, `broker_id`, `strategy_id` or `backtest_id`),
 * the users and the imported candles, per table. An order the schema takes but the market's rules refuse (a zero
 * quantity) is recorded as a rejected trade, by design: those are not counted.
 */
export async function countOwnedRows(db: Knex): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await db('information_schema.columns')
    .distinct('table_name')
    .where({ table_schema: 'public' })
    .whereIn('column_name', ['user_id', 'broker_id', 'strategy_id', 'backtest_id']);
  const counts: Record<string, number> = {};
  for (const table of [...tables.map((t) => t.table_name), 'users', 'candles'].sort()) {
    const rows = db(table);
    if (table === 'trades') rows.whereNot({ status: 'rejected' });
    const [{ count }] = (await rows.count({ count: '*' })) as { count: string }[];
    counts[table] = Number(count);
  }
  return counts;
}

/** A request that names a row by its id in its body or query string, and how user A gets such a row. */
export interface IdInputProof {
  /** Creates (or finds) user A's row and returns its id. */
  own(alice: Client): Promise<number>;
  /** User B's request naming `id`; it may read B's own rows first, but not write any. */
  request(bob: Client, id: number): Promise<Response>;
}

/** An id no row has: well formed, so that only its absence can refuse it. */
export const MISSING_ID = 2 ** 40;

/**
 * Proves that user B naming user A's row gets exactly the answer of a row that does not exist (404, or 400 naming
 * the field), so its existence never leaks, and that neither request writes anything.
 */
export async function expectIdInputIsolation(app: TestApp, proof: IdInputProof): Promise<void> {
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  const id = await proof.own(alice);
  const before = await countOwnedRows(app.db);
  const foreign = await proof.request(bob, id);
  const missing = await proof.request(bob, MISSING_ID);
  expect([400, 404]).toContain(foreign.status);
  expect(foreign.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  expect({ status: foreign.status, body: foreign.body }).toEqual({ status: missing.status, body: missing.body });
  expect(await countOwnedRows(app.db)).toEqual(before);
}
