// The subset of OVN's match language that router policies on IPv4 addresses use: `ip4.src` and
// `ip4.dst` compared with == or != to an address, a CIDR, a {set} of them or an $address_set,
// combined with &&, ||, ! and parentheses, plus the bare predicates `ip4` and `ip`.
// The rules follow OVN's parser (ovn lib/expr.c and lib/lex.c, ovn-sb(5) "Logical_Flow TABLE"):
// && and || must be parenthesized when used together; a set holds values separated by commas
// or spaces; a CIDR's address may have no 1-bits outside its mask; an address-set name is an
// identifier of letters, digits, "_" and "." (so Kube-OVN writes "-" in names as ".").
// Anything else is a parse error with the offset where OVN would stop. Pure.
import { isIPv4, mask, parseIPv4 } from '../net/ipv4.ts';

export type MatchField = 'ip4.src' | 'ip4.dst';

/** A compared value: a prefix (a single address is a /32) or a named address set. */
export type MatchValue =
  | { readonly kind: 'prefix'; readonly network: number; readonly length: number; readonly text: string }
  | { readonly kind: 'set'; readonly name: string };

export type MatchExpr =
  | { readonly kind: 'true' }
  | { readonly kind: 'cmp'; readonly field: MatchField; readonly op: '==' | '!='; readonly values: readonly MatchValue[] }
  | { readonly kind: 'not'; readonly expr: MatchExpr }
  | { readonly kind: 'and' | 'or'; readonly exprs: readonly MatchExpr[] };

export type ParsedMatch = { readonly ok: true; readonly expr: MatchExpr } | { readonly ok: false; readonly offset: number; readonly message: string };

class MatchError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

type Token = { readonly text: string; readonly offset: number };

const FIELDS: readonly string[] = ['ip4.src', 'ip4.dst'];
const PREDICATES: readonly string[] = ['ip4', 'ip'];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(&&|\|\||==|!=|[!(){},])|(\$[A-Za-z_.][A-Za-z0-9_.]*)|([A-Za-z_.][A-Za-z0-9_.]*)|([0-9][0-9./]*)|(\S))/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const tok = m[1] ?? m[2] ?? m[3] ?? m[4];
    const offset = m.index + m[0].length - (tok ?? m[5]!).length;
    if (m[5] !== undefined) throw new MatchError(offset, m[5] === '$' ? 'an address-set name must follow "$"' : `unexpected character "${m[5]}"`);
    if (tok) out.push({ text: tok, offset });
  }
  return out;
}

export function parseMatch(text: string): ParsedMatch {
  try {
    const tokens = tokenize(text);
    if (tokens.length === 0) return { ok: false, offset: 0, message: 'the match is empty' };
    const p = new Parser(tokens, text.length);
    const expr = p.expression();
    p.end();
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof MatchError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[], private readonly length: number) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(what: string): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new MatchError(this.length, `the match ends where ${what} should follow`);
    return t;
  }

  end(): void {
    const t = this.peek();
    if (t) throw new MatchError(t.offset, `unexpected "${t.text}" after a complete match`);
  }

  /** A chain of one operator only: OVN rejects "a && b || c" without parentheses. */
  expression(): MatchExpr {
    const first = this.unary();
    const op = this.peek()?.text;
    if (op !== '&&' && op !== '||') return first;
    const exprs = [first];
    while (this.peek()?.text === op) {
      this.i++;
      exprs.push(this.unary());
    }
    const t = this.peek();
    if (t && (t.text === '&&' || t.text === '||')) throw new MatchError(t.offset, '&& and || must be parenthesized when used together');
    return { kind: op === '&&' ? 'and' : 'or', exprs };
  }

  private unary(): MatchExpr {
    const t = this.next('a condition');
    if (t.text === '!') return { kind: 'not', expr: this.unary() };
    if (t.text === '(') {
      const e = this.expression();
      const close = this.next('")"');
      if (close.text !== ')') throw new MatchError(close.offset, `expected ")", got "${close.text}"`);
      return e;
    }
    if (PREDICATES.includes(t.text) && !['==', '!='].includes(this.peek()?.text ?? '')) return { kind: 'true' };
    if (!FIELDS.includes(t.text)) {
      throw new MatchError(t.offset, /^[A-Za-z_.]/.test(t.text) ? `unsupported field "${t.text}" (router policies here match ip4.src or ip4.dst)` : `expected a field such as ip4.dst, got "${t.text}"`);
    }
    const op = this.next('== or !=');
    if (op.text !== '==' && op.text !== '!=') throw new MatchError(op.offset, `expected == or != after ${t.text}, got "${op.text}"`);
    return { kind: 'cmp', field: t.text as MatchField, op: op.text, values: this.values() };
  }

  private values(): MatchValue[] {
    const t = this.next('an address, CIDR, {set} or $address_set');
    if (t.text !== '{') return [this.value(t)];
    const out: MatchValue[] = [];
    for (;;) {
      const v = this.next('"}"');
      if (v.text === '}') break;
      if (v.text === ',') {
        if (out.length === 0) throw new MatchError(v.offset, 'a set cannot start with ","');
        continue;
      }
      out.push(this.value(v));
    }
    if (out.length === 0) throw new MatchError(t.offset, 'an empty set {} matches nothing and OVN rejects it');
    return out;
  }

  private value(t: Token): MatchValue {
    if (t.text.startsWith('$')) return { kind: 'set', name: t.text.slice(1) };
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(t.text);
    const address = m && isIPv4(m[1]!) ? parseIPv4(m[1]!) : undefined;
    const length = m?.[2] === undefined ? 32 : Number(m[2]);
    if (address === undefined || length > 32) throw new MatchError(t.offset, `"${t.text}" is not an IPv4 address or CIDR`);
    if ((address & ~mask(length)) >>> 0 !== 0) throw new MatchError(t.offset, `"${t.text}" has 1-bits outside its /${length} mask (OVN: "Value contains unmasked 1-bits")`);
    return { kind: 'prefix', network: address, length, text: t.text };
  }
}

/** Address-set names a match refers to. */
export function addressSetsOf(expr: MatchExpr): string[] {
  switch (expr.kind) {
    case 'true':
      return [];
    case 'cmp':
      return expr.values.flatMap((v) => (v.kind === 'set' ? [v.name] : []));
    case 'not':
      return addressSetsOf(expr.expr);
    default:
      return expr.exprs.flatMap(addressSetsOf);
  }
}

/** Whether a packet matches; `members` resolves an address set (unknown sets are empty, as in OVN). */
export function evaluateMatch(expr: MatchExpr, pkt: { readonly src: number; readonly dst: number }, members: (name: string) => ReadonlySet<number>): boolean {
  switch (expr.kind) {
    case 'true':
      return true;
    case 'cmp': {
      const ip = expr.field === 'ip4.src' ? pkt.src : pkt.dst;
      const hit = expr.values.some((v) => (v.kind === 'set' ? members(v.name).has(ip) : inPrefix(ip, v.network, v.length)));
      return expr.op === '==' ? hit : !hit;
    }
    case 'not':
      return !evaluateMatch(expr.expr, pkt, members);
    case 'and':
      return expr.exprs.every((e) => evaluateMatch(e, pkt, members));
    case 'or':
      return expr.exprs.some((e) => evaluateMatch(e, pkt, members));
  }
}

function inPrefix(ip: number, network: number, length: number): boolean {
  return ((ip & mask(length)) >>> 0) === network;
}

/** The match with every address-set name passed through `rename` (the lab prefixes its run id). */
export function renameSets(text: string, rename: (name: string) => string): string {
  return text.replace(/\$([A-Za-z_.][A-Za-z0-9_.]*)/g, (_, name: string) => `$${rename(name)}`);
}
