import type { PartialModelObject, QueryBuilder } from 'objection';
import { NotFoundError } from '../errors';
import type { OwnedModel } from './models';

type OwnedClass = typeof OwnedModel;
type Row<C extends OwnedClass> = InstanceType<C>;

/**
 * The one way to read or write a user's rows: every query it builds is scoped by the signed-in user's id. A row of
 * another user is indistinguishable from a missing one (404), so existence never leaks across tenants.
 */
export class Tenant {
  constructor(readonly userId: number) {}

  /** A query restricted to this user's rows. */
  query<C extends OwnedClass>(model: C): QueryBuilder<Row<C>, Row<C>[]> {
    const builder = (model as unknown as { query(): QueryBuilder<Row<C>, Row<C>[]> }).query();
    return builder.where(`${model.tableName}.user_id`, this.userId);
  }

  async find<C extends OwnedClass>(model: C, id: number, notFound = 'Introuvable'): Promise<Row<C>> {
    const row = await this.query(model).findById(id);
    if (!row) throw new NotFoundError(notFound);
    return row;
  }

  async insert<C extends OwnedClass>(model: C, data: PartialModelObject<Row<C>>): Promise<Row<C>> {
    const builder = (model as unknown as { query(): QueryBuilder<Row<C>, Row<C>[]> }).query();
    return builder.insertAndFetch({ ...data, user_id: this.userId } as PartialModelObject<Row<C>>);
  }

  async update<C extends OwnedClass>(
    model: C,
    id: number,
    patch: PartialModelObject<Row<C>>,
    notFound = 'Introuvable',
  ): Promise<Row<C>> {
    // Ownership and identity are never patched through here.
    const { user_id: _owner, id: _id, ...rest } = patch as Record<string, unknown>;
    const count = await this.query(model)
      .findById(id)
      .patch(rest as PartialModelObject<Row<C>>);
    if (!count) throw new NotFoundError(notFound);
    return this.find(model, id, notFound);
  }

  async remove<C extends OwnedClass>(model: C, id: number, notFound = 'Introuvable'): Promise<void> {
    const count = await this.query(model).deleteById(id);
    if (!count) throw new NotFoundError(notFound);
  }
}
