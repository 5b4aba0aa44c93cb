/// The tables of the schema, in an order that loads referenced rows first (`users` before the
/// `sessions` and `codes` that name them): `authctl db copy` moves them in this order.
public enum StoreTable: String, CaseIterable, Sendable {
  case users, settings, sessions, codes, outbox, audit
  case telegramLinks = "telegram_links"
  case telegramNonces = "telegram_nonces"
  case hookEvents = "hook_events"
}
