import type { Knex } from 'knex';

/**
 * A number that grows with every write to a user's trades, for the statistics' cache to tell in one index lookup
 * whether what it matched is still what the rows say. A trigger stamps each inserted or updated row from one
 * sequence (an update through a foreign key, such as an activation deleted, included), so no code path can forget
 * it. Balance snapshots are only ever inserted: their newest id says the same, with an index to find it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE trades_change_seq');
  await knex.schema.alterTable('trades', (t) => {
    t.bigInteger('change_seq').notNullable().defaultTo(knex.raw("nextval('trades_change_seq')"));
    t.index(['user_id', 'change_seq']);
  });
  await knex.raw(`
    CREATE FUNCTION trades_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.change_seq := nextval('trades_change_seq');
      RETURN NEW;
    END $$;
    CREATE TRIGGER trades_stamp_change BEFORE UPDATE ON trades FOR EACH ROW EXECUTE FUNCTION trades_stamp_change();
  `);
  await knex.schema.alterTable('balance_snapshots', (t) => t.index(['user_id', 'id']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('balance_snapshots', (t) => t.dropIndex(['user_id', 'id']));
  await knex.raw('DROP TRIGGER trades_stamp_change ON trades; DROP FUNCTION trades_stamp_change()');
  await knex.schema.alterTable('trades', (t) => t.dropColumn('change_seq'));
  await knex.raw('DROP SEQUENCE trades_change_seq');
}
