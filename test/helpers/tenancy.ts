import type { Client, TestApp } from './app';
import { signedInClient } from './app';

/** A user-owned resource: where it lives and how user A creates one of its rows. */
export interface OwnedResource {
  /** The API area's mount path, e.g. /api/strategies. */
  basePath: string;
  create(client: Client): Promise<number>;
  /** A valid body for PUT /:id, so that a 404 cannot come from validation. */
  updateBody: Record<string, unknown>;
}

/**
 * Proves that user B can neither see nor change user A's row: every `/:id` method answers 404 (the same as a missing
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

  const list = (await bob.get(resource.basePath).expect(200)).body as { id: number }[];
  expect(list.map((row) => row.id)).not.toContain(id);
  expect((await alice.get(url).expect(200)).body).toEqual(before);
}
