import type { Knex } from 'knex';

/**
 * The endpoint's store of one request in one round trip. TradingView gives up after 3 seconds and a burst of alerts
 * arrives at once: the source's lock, the look for an earlier copy and the insert were five round trips of a
 * transaction (BEGIN … COMMIT), now one call. The function is VOLATILE, so its look for a copy sees what was committed
 * once the lock is held, as the transaction's later statement did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION accept_webhook(
      p_user_id bigint, p_source_id bigint, p_headers jsonb, p_raw_body text, p_parsed jsonb, p_status text,
      p_reason text, p_body_id text, p_body_hash text, p_dedupe_window_s integer,
      p_duplicate_prefix text, p_duplicate_suffix text
    ) RETURNS TABLE (id bigint, status text, reason text)
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      v_status text := p_status;
      v_reason text := p_reason;
      v_earlier bigint;
      v_id bigint;
    BEGIN
      IF v_status = 'received' THEN
        -- One request of a source at a time past this point, so two copies sent at once cannot both be taken in.
        PERFORM pg_advisory_xact_lock(hashtextextended('webhook-source:' || p_source_id, 0));
        SELECT w.id INTO v_earlier FROM webhooks w
         WHERE w.source_id = p_source_id AND w.status <> 'rejected'
           AND CASE WHEN p_body_id IS NOT NULL THEN w.body_id = p_body_id
                    ELSE w.body_hash = p_body_hash AND w.created_at > now() - make_interval(secs => p_dedupe_window_s)
               END
         LIMIT 1;
        IF v_earlier IS NOT NULL THEN
          v_status := 'duplicate';
          v_reason := p_duplicate_prefix || v_earlier || p_duplicate_suffix;
        END IF;
      END IF;
      INSERT INTO webhooks (user_id, source, source_id, headers, raw_body, parsed, status, reason, body_id, body_hash,
                            processed_at)
      VALUES (p_user_id, 'tradingview', p_source_id, p_headers, p_raw_body, p_parsed, v_status, v_reason, p_body_id,
              p_body_hash, CASE WHEN v_status = 'received' THEN NULL ELSE now() END)
      RETURNING webhooks.id INTO v_id;
      RETURN QUERY SELECT v_id, v_status, v_reason;
    END $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP FUNCTION accept_webhook(bigint, bigint, jsonb, text, jsonb, text, text, text, text, integer, text, text)',
  );
}
