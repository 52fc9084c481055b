import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { ValidationError } from '../errors';

/**
 * The Ollama URL is typed by a user and fetched by the server, so it may only name a host of AI_ALLOWED_HOSTS.
 * What is accepted, exactly: `http://` or `https://`, a host written as the URL standard writes it (lower case,
 * dotted decimal IPv4, compressed IPv6 in brackets; never `0x7f.1`, `2130706433`, `127.1`, a percent-encoded or
 * trailing-dot name) that is in the list, an optional port, an optional path; no user or password, query or
 * fragment. A name is then fetched only when every address it resolves to is in the list too, so a name of the list
 * that points elsewhere (or is made to, between the check and the connection) is refused.
 */

const FIELD = 'ollamaUrl';
const LABEL = 'URL Ollama';

// Scheme, then an authority of host characters and an optional port only: '@', '%', '\\', spaces and the like are
// refused here rather than interpreted.
const SHAPE = /^(https?):\/\/(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?(?=$|[/?#])/i;

function refuse(reason: string): never {
  throw new ValidationError(`${LABEL} : ${reason}`, FIELD);
}

/** A host or address as WHATWG's URL parser writes it, without IPv6 brackets; null when it is not one. */
export function canonicalHost(host: string): string | null {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  try {
    return new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
}

function allowedSet(allowedHosts: readonly string[]): Set<string> {
  return new Set(allowedHosts.map(canonicalHost).filter((h): h is string => h !== null));
}

function allowedList(allowedHosts: readonly string[]): string {
  return allowedHosts.length ? allowedHosts.join(', ') : 'aucun';
}

/** The URL if it passes every rule above but the resolution; a ValidationError naming `ollamaUrl` otherwise. */
export function checkOllamaUrl(input: string, allowedHosts: readonly string[]): URL {
  const text = input.trim();
  const shape = SHAPE.exec(text);
  if (!shape) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^https?:/i.test(text)) refuse('seuls http:// et https:// sont acceptés');
    if (/^https?:\/\/[^/?#]*@/i.test(text)) refuse("pas d'identifiant ni de mot de passe dans l'URL");
    refuse('URL http(s) attendue, hôte écrit en clair (ex. http://localhost:11434)');
  }
  const url = URL.canParse(text) ? new URL(text) : refuse('URL http(s) attendue');
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    refuse('ni paramètres (?…) ni fragment (#…)');
  }
  const typed = (shape[2] ?? shape[3]!).toLowerCase();
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host !== typed || !allowedSet(allowedHosts).has(host)) {
    refuse(`l'hôte « ${typed} » n'est pas autorisé (hôtes autorisés : ${allowedList(allowedHosts)})`);
  }
  return url;
}

/** Refuses a resolution with an address outside the list; the check a connection makes before it connects. */
export function checkAddresses(hostname: string, addresses: LookupAddress[], allowedHosts: readonly string[]): void {
  const allowed = allowedSet(allowedHosts);
  if (addresses.length === 0 || addresses.some((a) => !allowed.has(canonicalHost(a.address) ?? ''))) {
    refuse(`« ${hostname} » pointe vers une adresse hors des hôtes autorisés (${allowedList(allowedHosts)})`);
  }
}

/**
 * The full check at save time: the rules, then the name's resolution. A name that does not resolve is refused too:
 * there would be nothing to check.
 */
export async function checkOllamaUrlResolved(input: string, allowedHosts: readonly string[]): Promise<URL> {
  const url = checkOllamaUrl(input, allowedHosts);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return url;
  const addresses = await lookup(host, { all: true }).catch(() => refuse(`« ${host} » ne se résout pas`));
  checkAddresses(host, addresses, allowedHosts);
  return url;
}
