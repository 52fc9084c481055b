import { ExchangeError } from '../exchanges/errors';
import { orderRefusal, type OrderField, type OrderRefusalReason } from './order-messages';

/**
 * An order refused by our own code rather than by an exchange: our checks before anything is sent, or the paper
 * exchange. The user is shown the refusal and nothing is retried. The message is the French sentence the API
 * answers with; `reason` is the same refusal as data, stored with the attempt so the web app words it in the
 * reader's language.
 */
export class OrderRefusedError extends ExchangeError {
  constructor(
    code: string,
    readonly reason: OrderRefusalReason,
    /** The input at fault, which may differ from the field the words name (a minimum cost broken by a quantity). */
    at?: OrderField,
  ) {
    super(code, orderRefusal(reason), 'rejected', at);
  }
}
