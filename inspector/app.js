// newsfacts inspector: one page, plain JavaScript, no build step, nothing loaded from elsewhere.
//
// It talks to the API with gRPC-Web (binary, `application/grpc-web+proto`) on its own origin.
// Why a hand-written client rather than a vendored protobuf runtime: the page calls seven unary
// methods, and gRPC-Web framing is a 5-byte header per message, so a small codec is less code
// to ship and review than a runtime plus generated stubs. The codec is driven by /schema.json,
// which the server derives from the descriptors compiled into it, so it follows proto/ with no
// step to forget. Spans are code points into the text (end exclusive); JavaScript strings are
// UTF-16, so the text is handled as an array of code points throughout.
'use strict';

// ---------------------------------------------------------------------------------------------
// Protobuf codec, driven by the server's schema.

let SCHEMA = null;

async function loadSchema() {
  const response = await fetch('schema.json');
  if (!response.ok) throw new Error(`schema.json: HTTP ${response.status}`);
  SCHEMA = await response.json();
}

function fields(type) {
  const found = SCHEMA.messages[type];
  if (!found) throw new Error(`unknown message type ${type}`);
  return found;
}

function enumNumber(typeName, value) {
  if (typeof value === 'number') return value;
  const values = SCHEMA.enums[typeName] || {};
  for (const [number, name] of Object.entries(values)) if (name === value) return Number(number);
  throw new Error(`${value} is not a value of ${typeName}`);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8');

function pushVarint(out, value) {
  let v = BigInt.asUintN(64, BigInt(value));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function pushBytes(out, bytes) {
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function pushFixed(out, bytes) {
  for (const b of new Uint8Array(bytes)) out.push(b);
}

function isDefault(value) {
  return value === '' || value === 0 || value === false || value === 0n;
}

/** Encodes `message` (an object keyed by JSON field names) as protobuf `type`. */
function encode(type, message) {
  const out = [];
  for (const [number, name, kind, repeated, typeName] of fields(type)) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    if (kind === 'map') {
      for (const [key, entry] of Object.entries(value)) {
        pushVarint(out, (number << 3) | 2);
        pushBytes(out, encode(typeName, { key, value: entry }));
      }
      continue;
    }
    for (const item of repeated ? value : [value]) {
      if (!repeated && kind !== 'message' && isDefault(item)) continue;
      switch (kind) {
        case 'string':
          pushVarint(out, (number << 3) | 2);
          pushBytes(out, utf8.encode(item));
          break;
        case 'bytes':
          pushVarint(out, (number << 3) | 2);
          pushBytes(out, item);
          break;
        case 'message':
          pushVarint(out, (number << 3) | 2);
          pushBytes(out, encode(typeName, item));
          break;
        case 'double': {
          pushVarint(out, (number << 3) | 1);
          const buffer = new ArrayBuffer(8);
          new DataView(buffer).setFloat64(0, item, true);
          pushFixed(out, buffer);
          break;
        }
        case 'float': {
          pushVarint(out, (number << 3) | 5);
          const buffer = new ArrayBuffer(4);
          new DataView(buffer).setFloat32(0, item, true);
          pushFixed(out, buffer);
          break;
        }
        case 'enum':
          pushVarint(out, number << 3);
          pushVarint(out, enumNumber(typeName, item));
          break;
        case 'bool':
          pushVarint(out, number << 3);
          pushVarint(out, item ? 1 : 0);
          break;
        default: // int32, int64, uint32, uint64
          pushVarint(out, number << 3);
          pushVarint(out, item);
      }
    }
  }
  return out;
}

function readVarint(bytes, position) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (position >= bytes.length || shift > 63n) throw new Error('malformed varint');
    const byte = bytes[position++];
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [result, position];
    shift += 7n;
  }
}

function defaultValue(kind, typeName) {
  switch (kind) {
    case 'string': return '';
    case 'bytes': return new Uint8Array();
    case 'bool': return false;
    case 'message': return null;
    case 'enum': return (SCHEMA.enums[typeName] || {})['0'] || 0;
    default: return 0;
  }
}

function scalar(kind, typeName, raw) {
  switch (kind) {
    case 'string': return fromUtf8.decode(raw);
    case 'bytes': return raw.slice();
    case 'message': return decode(typeName, raw);
    case 'double': return new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true);
    case 'float': return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
    case 'bool': return raw !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, raw));
    case 'int64': return Number(BigInt.asIntN(64, raw));
    case 'enum': {
      const number = Number(BigInt.asIntN(32, raw));
      return (SCHEMA.enums[typeName] || {})[String(number)] || number;
    }
    default: return Number(raw); // uint32, uint64
  }
}

const WIRE_OF = { double: 1, float: 5 };

/** Decodes protobuf `bytes` as `type` into an object keyed by JSON field names, with defaults. */
function decode(type, bytes) {
  const byNumber = new Map();
  const message = {};
  for (const field of fields(type)) {
    const [number, name, kind, repeated, typeName] = field;
    byNumber.set(number, field);
    message[name] = kind === 'map' ? {} : repeated ? [] : defaultValue(kind, typeName);
  }
  let position = 0;
  while (position < bytes.length) {
    const [key, next] = readVarint(bytes, position);
    position = next;
    const wire = Number(key & 7n);
    let raw;
    if (wire === 0) {
      [raw, position] = readVarint(bytes, position);
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (position + size > bytes.length) throw new Error('truncated message');
      raw = bytes.subarray(position, position + size);
      position += size;
    } else if (wire === 2) {
      let length;
      [length, position] = readVarint(bytes, position);
      const end = position + Number(length);
      if (end > bytes.length) throw new Error('truncated message');
      raw = bytes.subarray(position, end);
      position = end;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    const field = byNumber.get(Number(key >> 3n));
    if (!field) continue; // a field this page does not know: skip it, as protobuf does
    const [, name, kind, repeated, typeName] = field;
    if (kind === 'map') {
      const entry = decode(typeName, raw);
      message[name][entry.key] = entry.value;
    } else if (wire === 2 && !['string', 'bytes', 'message'].includes(kind)) {
      // A packed repeated scalar.
      let p = 0;
      while (p < raw.length) {
        let item;
        const size = WIRE_OF[kind] === 1 ? 8 : WIRE_OF[kind] === 5 ? 4 : 0;
        if (size) {
          item = raw.subarray(p, p + size);
          p += size;
        } else {
          [item, p] = readVarint(raw, p);
        }
        message[name].push(scalar(kind, typeName, item));
      }
    } else if (repeated) {
      message[name].push(scalar(kind, typeName, raw));
    } else {
      message[name] = scalar(kind, typeName, raw);
    }
  }
  return message;
}

// ---------------------------------------------------------------------------------------------
// gRPC-Web over fetch.

const CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED',
  'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

class GrpcError extends Error {
  constructor(code, message) {
    super(`${CODES[code] || `status ${code}`}: ${message}`);
    this.code = code;
  }
}

function apiKey() {
  return document.getElementById('api-key').value.trim();
}

function parseTrailers(bytes) {
  const trailers = {};
  for (const line of fromUtf8.decode(bytes).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}

/** Calls a unary method: `service` and `method` as in the proto, request and response types. */
async function call(service, method, request) {
  const [requestType, responseType] = [`newsfacts.v1.${method}Request`, `newsfacts.v1.${method}Response`];
  const body = encode(requestType, request);
  const frame = new Uint8Array(5 + body.length);
  new DataView(frame.buffer).setUint32(1, body.length);
  frame.set(body, 5);
  const headers = {
    'content-type': 'application/grpc-web+proto',
    accept: 'application/grpc-web+proto',
    'x-grpc-web': '1',
    'grpc-timeout': '30S',
  };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`newsfacts.v1.${service}/${method}`, { method: 'POST', headers, body: frame });
  if (!response.ok) throw new GrpcError(14, `HTTP ${response.status} from the server`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let payload = null;
  let trailers = {};
  let position = 0;
  while (position + 5 <= bytes.length) {
    const flag = bytes[position];
    const length = new DataView(bytes.buffer, bytes.byteOffset + position + 1, 4).getUint32(0);
    const start = position + 5;
    if (start + length > bytes.length) throw new GrpcError(13, 'truncated gRPC-Web frame');
    const chunk = bytes.subarray(start, start + length);
    if (flag & 0x80) trailers = parseTrailers(chunk);
    else if (flag & 0x01) throw new GrpcError(13, 'compressed message, but none was asked for');
    else payload = chunk;
    position = start + length;
  }
  const status = trailers['grpc-status'] ?? response.headers.get('grpc-status') ?? '2';
  if (status !== '0') {
    const message = trailers['grpc-message'] ?? response.headers.get('grpc-message') ?? '';
    let text = message;
    try { text = decodeURIComponent(message); } catch (_) { /* keep it as sent */ }
    throw new GrpcError(Number(status), text || 'no message');
  }
  return decode(responseType, payload || new Uint8Array());
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers: text always goes in as text, never as HTML.

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    // The Content-Security-Policy refuses style attributes; the CSSOM is allowed.
    else if (name === 'style') node.style.cssText = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function setStatus(message, isError = false) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.className = isError ? 'error' : '';
}

function reportError(error) {
  let message = error.message || String(error);
  if (error.code === 16) message += ' (enter an API key with the right scope, top right)';
  if (error.code === 7) message += ' (this key lacks the scope)';
  setStatus(message, true);
}

/** A short label of an enum value: TRADE_FACT_KIND_PARTNER_RANK → PARTNER RANK. */
function short(value, prefix) {
  return String(value).replace(prefix, '').replace(/_/g, ' ');
}

function flag(code) {
  if (!/^[A-Z]{2}$/.test(code || '')) return '';
  return String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

function entityLabel(ref) {
  if (!ref || (!ref.entityId && !ref.name)) return null;
  const code = ref.countryCode;
  return el('span', { class: 'entity', title: ref.entityId },
    code ? el('span', { class: 'flag', 'aria-hidden': 'true' }, flag(code)) : null,
    ref.name || ref.entityId,
    code ? el('span', { class: 'code' }, code) : null);
}

function timestampToDate(ts) {
  if (!ts) return '';
  return new Date(ts.seconds * 1000).toISOString().slice(0, 10);
}

function dateToTimestamp(value, endOfDay = false) {
  if (!value) return null;
  const millis = Date.parse(`${value}T${endOfDay ? '23:59:59' : '00:00:00'}Z`);
  return Number.isNaN(millis) ? null : { seconds: Math.floor(millis / 1000), nanos: 0 };
}

function amount(a) {
  if (!a) return null;
  const qualifier = a.qualifier && a.qualifier !== 'QUALIFIER_UNSPECIFIED' && a.qualifier !== 'QUALIFIER_EXACT'
    ? `${short(a.qualifier, 'QUALIFIER_').toLowerCase()} ` : '';
  const unit = a.currency || a.unit || '';
  const number = a.amount ? `${qualifier}${a.amount.toLocaleString('en')} ${unit}`.trim() : '';
  return a.text ? `${a.text}${number ? ` (${number})` : ''}` : number;
}

function change(c) {
  if (!c) return null;
  const direction = c.direction && c.direction !== 'TREND_UNSPECIFIED' ? short(c.direction, 'TREND_').toLowerCase() : '';
  const percent = c.percent ? `${c.percent > 0 ? '+' : ''}${c.percent}%` : '';
  return [percent, direction, c.period].filter(Boolean).join(' ');
}

// ---------------------------------------------------------------------------------------------
// The article view.

const codePoints = (text) => Array.from(text);

/** Where the speaker's role is written: next to the speaker span (before or after it). */
function roleSpan(chars, statement) {
  const role = statement.speakerRole;
  const speaker = statement.speakerSpan;
  if (!role || !speaker || speaker.end <= speaker.start) return null;
  const roleChars = codePoints(role);
  const window = roleChars.length + 40;
  const lower = (s) => s.toLowerCase();
  // "Trade Minister Ana Torres": the role may be inside the speaker span.
  const inside = lower(chars.slice(speaker.start, speaker.end).join('')).indexOf(lower(role));
  if (inside >= 0) {
    const start = speaker.start + codePoints(chars.slice(speaker.start, speaker.end).join('').slice(0, inside)).length;
    return { start, end: start + roleChars.length };
  }
  const before = lower(chars.slice(Math.max(0, speaker.start - window), speaker.start).join(''));
  const beforeAt = before.lastIndexOf(lower(role));
  if (beforeAt >= 0) {
    const start = speaker.start - codePoints(before).length + codePoints(before.slice(0, beforeAt)).length;
    return { start, end: start + roleChars.length };
  }
  const after = lower(chars.slice(speaker.end, speaker.end + window).join(''));
  const afterAt = after.indexOf(lower(role));
  if (afterAt >= 0) {
    const start = speaker.end + codePoints(after.slice(0, afterAt)).length;
    return { start, end: start + roleChars.length };
  }
  return null;
}

function describeStatement(s, i) {
  const speaker = s.speaker && s.speaker.name
    ? `${s.speaker.name}${s.speaker.entityId ? ` (${s.speaker.entityId})` : ''}` : 'unresolved speaker';
  return `Statement ${i + 1} · ${speaker} · resolved by ${short(s.speakerResolution, 'SPEAKER_RESOLUTION_').toLowerCase()}`
    + ` · ${short(s.kind, 'STATEMENT_KIND_').toLowerCase()}${s.cue ? ` · cue “${s.cue}”` : ''}`;
}

function describeFact(f, j) {
  return `Trade fact ${j + 1} · ${short(f.kind, 'TRADE_FACT_KIND_').toLowerCase()}`;
}

/** Splits the text at every span boundary; each piece covered by a span becomes a <mark>. */
function renderText(container, text, spans) {
  const chars = codePoints(text);
  const cuts = new Set([0, chars.length]);
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= chars.length).sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const piece = chars.slice(a, b).join('');
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    if (covering.length === 0) {
      fragment.append(piece);
      continue;
    }
    const classes = [...new Set(covering.map((s) => s.role))];
    fragment.append(el('mark', {
      class: classes.join(' '),
      'data-refs': covering.map((s) => s.ref).join(' '),
      'data-start': a,
      'data-end': b,
      title: [...new Set(covering.map((s) => s.title))].join('\n'),
    }, piece));
  }
  container.replaceChildren(fragment);
}

function flash(ref) {
  const marks = [...document.querySelectorAll('#article-body mark')]
    .filter((m) => m.dataset.refs.split(' ').includes(ref));
  document.querySelectorAll('#article-body mark.flash').forEach((m) => m.classList.remove('flash'));
  for (const m of marks) m.classList.add('flash');
  if (marks[0]) marks[0].scrollIntoView({ block: 'center', behavior: 'smooth' });
}

function factSides(f) {
  const side = (label, ref) => (entityLabel(ref) ? el('span', { class: 'side' }, el('small', {}, label), entityLabel(ref)) : null);
  const parts = [];
  if (f.exporter || f.importer) {
    parts.push(side('exporter', f.exporter), f.exporter && f.importer ? el('span', { class: 'arrow' }, '→') : null, side('importer', f.importer));
  }
  if (f.reporter || f.partner) {
    parts.push(side('reporter', f.reporter), side(f.rank ? `partner #${f.rank}` : 'partner', f.partner));
  }
  if (f.parties.length) parts.push(el('span', { class: 'side' }, el('small', {}, 'parties'), f.parties.map(entityLabel)));
  return parts.filter(Boolean);
}

function factDetails(f) {
  const rows = [];
  const add = (label, value) => {
    if (value) rows.push(el('div', { class: 'detail' }, el('small', {}, label), ' ', value));
  };
  if (f.commodities.length) {
    add('commodities', f.commodities.map((c) => el('span', { class: 'commodity' }, c.name,
      c.hsCode ? el('span', { class: 'hs', title: 'HS code' }, `HS ${c.hsCode}`) : null)));
  }
  add('value', amount(f.value));
  add('quantity', amount(f.quantity));
  add('change', change(f.change));
  if (f.trend && f.trend !== 'TREND_UNSPECIFIED') add('trend', short(f.trend, 'TREND_').toLowerCase());
  add('agreement', f.agreementType);
  add('measure', f.measureType);
  add('period', f.period);
  return rows;
}

function renderArticle(article) {
  const chars = codePoints(article.text);
  const spans = [];
  const addSpan = (span, role, ref, title) => {
    if (span && span.end > span.start && span.start >= 0 && span.end <= chars.length) {
      spans.push({ start: span.start, end: span.end, role, ref, title });
    }
  };
  article.statements.forEach((s, i) => {
    const title = describeStatement(s, i);
    addSpan(s.contentSpan, 'content', `s${i}:content`, title);
    addSpan(s.cueSpan, 'cue', `s${i}:cue`, title);
    addSpan(roleSpan(chars, s), 'role', `s${i}:role`, title);
    addSpan(s.speakerSpan, 'speaker', `s${i}:speaker`, title);
  });
  article.tradeFacts.forEach((f, j) => addSpan(f.evidenceSpan, 'evidence', `f${j}:evidence`, describeFact(f, j)));
  renderText(document.getElementById('article-body'), article.text, spans);

  const meta = document.getElementById('article-meta');
  const dateline = article.dateline;
  meta.replaceChildren(...[
    article.title ? el('strong', {}, article.title) : null,
    article.source ? el('span', {}, article.source) : null,
    article.publishedAt ? el('span', {}, timestampToDate(article.publishedAt)) : null,
    dateline && dateline.place ? el('span', {}, `dateline: ${dateline.place}${dateline.resolvedDate ? `, ${dateline.resolvedDate}` : ''}${dateline.agency ? ` (${dateline.agency})` : ''}`) : null,
    article.articleId ? el('span', { class: 'code' }, article.name) : el('span', { class: 'code' }, 'analyzed, not stored'),
  ].filter(Boolean));

  const statementList = document.getElementById('statement-list');
  statementList.replaceChildren(...article.statements.map((s, i) => el('li', {
    class: 'statement', 'data-statement': i, onclick: () => flash(`s${i}:content`),
  },
  el('div', { class: 'head' },
    el('span', { class: `badge ${String(s.kind).toLowerCase()}` }, short(s.kind, 'STATEMENT_KIND_').toLowerCase()),
    el('span', { class: 'speaker-name' }, s.speaker && s.speaker.name ? s.speaker.name : '(unresolved)'),
    s.speakerRole ? el('span', { class: 'role-text' }, s.speakerRole) : null,
    el('small', {}, short(s.speakerResolution, 'SPEAKER_RESOLUTION_').toLowerCase())),
  el('div', { class: 'quote' }, s.cue ? el('span', { class: 'cue-text' }, `${s.cue}: `) : null, s.content))));
  document.getElementById('statement-count').textContent = article.statements.length;

  const factList = document.getElementById('fact-list');
  factList.replaceChildren(...article.tradeFacts.map((f, j) => el('li', { class: 'fact', 'data-fact': j },
    el('div', { class: 'head' },
      el('span', { class: 'badge fact-kind' }, short(f.kind, 'TRADE_FACT_KIND_').toLowerCase()),
      factSides(f)),
    factDetails(f),
    el('div', { class: 'detail' },
      el('a', { href: '#', class: 'evidence-link', 'data-ref': `f${j}:evidence`, onclick: (e) => { e.preventDefault(); flash(`f${j}:evidence`); } },
        'evidence'),
      ' ', el('span', { class: 'evidence-text' }, f.evidence),
      f.attributedStatementId ? el('small', {}, ` · said in statement ${1 + article.statements.findIndex((s) => s.statementId === f.attributedStatementId)}`) : null))));
  document.getElementById('fact-count').textContent = article.tradeFacts.length;
  document.getElementById('article-view').hidden = false;
}

async function analyze(event) {
  event.preventDefault();
  const text = document.getElementById('article-text').value;
  if (!text.trim()) {
    setStatus('Paste an article first.', true);
    return;
  }
  setStatus('Analyzing…');
  try {
    const article = {
      text,
      source: document.getElementById('article-source').value.trim(),
      publishedAt: dateToTimestamp(document.getElementById('article-published').value),
    };
    const response = await call('IngestService', 'AnalyzeArticle', { article });
    renderArticle(response.article);
    setStatus(`Analyzed: ${response.article.statements.length} statements, ${response.article.tradeFacts.length} trade facts.`);
  } catch (error) {
    reportError(error);
  }
}

/** A file: an ArticleInput JSON object (or its first JSON line), or plain text. */
async function openFile(event) {
  const file = event.target.files[0];
  if (!file) return;
  const raw = await file.text();
  let input = null;
  try {
    input = JSON.parse(raw);
  } catch (_) {
    try { input = JSON.parse(raw.split('\n').find((l) => l.trim())); } catch (__) { input = null; }
  }
  if (input && typeof input.text === 'string') {
    document.getElementById('article-text').value = input.text;
    document.getElementById('article-source').value = input.source || '';
    document.getElementById('article-published').value = (input.publishedAt || input.published_at || '').slice(0, 10);
  } else {
    document.getElementById('article-text').value = raw;
  }
  setStatus(`Loaded ${file.name}: press Analyze.`);
}

async function listStoredArticles() {
  const select = document.getElementById('stored-articles');
  if (select.options.length > 1) return;
  try {
    const response = await call('QueryService', 'ListArticles', { pageSize: 200 });
    for (const a of response.articles) {
      select.append(el('option', { value: a.name }, `${timestampToDate(a.publishedAt)} ${a.title || a.externalId || a.articleId}`));
    }
    if (!response.articles.length) setStatus('The store holds no article yet.');
  } catch (error) {
    reportError(error);
  }
}

async function openStored(name) {
  if (!name) return;
  setStatus('Loading…');
  try {
    const response = await call('QueryService', 'GetArticle', { name, view: 'ARTICLE_VIEW_FULL' });
    showTab('article');
    document.getElementById('article-text').value = response.article.text;
    renderArticle(response.article);
    setStatus(`Stored article ${name}.`);
  } catch (error) {
    reportError(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Browse: the query RPCs with their filters and page tokens.

function formRequest(form) {
  const request = {};
  for (const input of form.elements) {
    if (!input.name || !input.value) continue;
    if (input.type === 'date') request[input.name] = dateToTimestamp(input.value, input.name === 'publishedBefore');
    else if (input.type === 'number') request[input.name] = Number(input.value);
    else request[input.name] = input.value.trim();
  }
  return request;
}

function articleLink(articleId) {
  return el('a', { href: '#', class: 'article-link', onclick: (e) => { e.preventDefault(); openStored(`articles/${articleId}`); } },
    articleId.slice(0, 8));
}

const browsers = {
  statements: {
    method: 'ListStatements',
    list: 'statements',
    row: (s) => el('tr', {},
      el('td', {}, timestampToDate(s.publishedAt)),
      el('td', {}, el('a', {
        href: '#', class: 'speaker-filter', title: s.speaker ? s.speaker.entityId : '',
        onclick: (e) => {
          e.preventDefault();
          if (s.speaker && s.speaker.entityId) browse('statements', { speaker: s.speaker.entityId });
        },
      }, s.speaker && s.speaker.name ? s.speaker.name : '(unresolved)')),
      el('td', {}, s.speakerRole),
      el('td', {}, short(s.kind, 'STATEMENT_KIND_').toLowerCase()),
      el('td', {}, s.cue),
      el('td', { class: 'content-cell' }, s.content),
      el('td', {}, articleLink(s.articleId))),
  },
  facts: {
    method: 'ListTradeFacts',
    list: 'tradeFacts',
    row: (f) => el('tr', {},
      el('td', {}, timestampToDate(f.publishedAt)),
      el('td', {}, short(f.kind, 'TRADE_FACT_KIND_').toLowerCase()),
      el('td', {}, factSides(f)),
      el('td', {}, f.commodities.map((c) => el('span', { class: 'commodity' }, c.name, c.hsCode ? el('span', { class: 'hs' }, `HS ${c.hsCode}`) : null))),
      el('td', {}, [amount(f.value), amount(f.quantity), change(f.change)].filter(Boolean).join(' · ')),
      el('td', { class: 'content-cell' }, f.evidence),
      el('td', {}, articleLink(f.articleId))),
  },
};

const pages = { statements: { tokens: [''], index: 0 }, facts: { tokens: [''], index: 0 } };

async function browse(which, override = null, move = 0) {
  const form = document.getElementById(`${which}-form`);
  if (override) {
    showTab('browse');
    for (const input of form.elements) if (input.name && input.name in override) input.value = override[input.name];
  }
  const state = pages[which];
  if (move === 0) {
    state.tokens = [''];
    state.index = 0;
  } else {
    state.index += move;
  }
  const request = { ...formRequest(form), pageToken: state.tokens[state.index] };
  const { method, list, row } = browsers[which];
  setStatus('Loading…');
  try {
    const response = await call('QueryService', method, request);
    const rows = response[list];
    document.querySelector(`#${which}-table tbody`).replaceChildren(...rows.map(row));
    state.tokens[state.index + 1] = response.nextPageToken;
    const pager = document.querySelector(`.pager[data-for="${which}"]`);
    pager.querySelector('.prev').disabled = state.index === 0;
    pager.querySelector('.next').disabled = !response.nextPageToken;
    pager.querySelector('.page').textContent = `page ${state.index + 1} · ${rows.length} rows`;
    setStatus(`${rows.length} ${which === 'facts' ? 'trade facts' : 'statements'}${response.nextPageToken ? ', more on the next page' : ''}.`);
  } catch (error) {
    if (move) state.index -= move;
    reportError(error);
  }
}

async function fillDatalists() {
  const fill = async (id, type) => {
    const response = await call('QueryService', 'ListEntities', { type, pageSize: 500 });
    document.getElementById(id).replaceChildren(...response.entities.map((e) => el('option', { value: e.countryCode && type === 'ENTITY_TYPE_COUNTRY' ? e.countryCode : e.entityId }, e.name)));
  };
  try {
    await fill('people', 'ENTITY_TYPE_PERSON');
    await fill('countries', 'ENTITY_TYPE_COUNTRY');
  } catch (_) { /* suggestions are a convenience: the search reports errors */ }
}

// ---------------------------------------------------------------------------------------------
// Trade relations: countries as nodes, facts as edges aggregated by pair and kind.

const KIND_COLORS = {
  TRADE_FACT_KIND_EXPORT: '#1f77b4',
  TRADE_FACT_KIND_IMPORT: '#17becf',
  TRADE_FACT_KIND_BILATERAL_TRADE: '#7f7f7f',
  TRADE_FACT_KIND_TRADE_BALANCE: '#8c564b',
  TRADE_FACT_KIND_PARTNER_RANK: '#ff7f0e',
  TRADE_FACT_KIND_AGREEMENT: '#2ca02c',
  TRADE_FACT_KIND_TRADE_MEASURE: '#d62728',
  TRADE_FACT_KIND_INVESTMENT: '#9467bd',
  TRADE_FACT_KIND_MARKET_ACCESS: '#e377c2',
};
const MAX_RELATION_PAGES = 20;

/** The country pairs a fact links: [from, to, directed]. */
function factPairs(f) {
  const country = (ref) => (ref && ref.countryCode ? ref : null);
  const [exporter, importer, reporter, partner] = [f.exporter, f.importer, f.reporter, f.partner].map(country);
  if (exporter && importer) return [[exporter, importer, true]];
  if (reporter && partner) return [[reporter, partner, f.kind === 'TRADE_FACT_KIND_PARTNER_RANK']];
  const parties = [exporter, importer, reporter, partner, ...f.parties.map(country)].filter(Boolean);
  const unique = [...new Map(parties.map((p) => [p.countryCode, p])).values()];
  const pairs = [];
  for (let a = 0; a < unique.length; a++) for (let b = a + 1; b < unique.length; b++) pairs.push([unique[a], unique[b], false]);
  return pairs;
}

async function drawRelations(event) {
  if (event) event.preventDefault();
  const form = document.getElementById('relations-form');
  const base = formRequest(form);
  const kinds = new Set([...form.querySelectorAll('input[name="relation-kind"]:checked')].map((i) => i.value));
  delete base['relation-kind'];
  setStatus('Loading trade facts…');
  const facts = [];
  try {
    let token = '';
    for (let page = 0; page < MAX_RELATION_PAGES; page++) {
      const response = await call('QueryService', 'ListTradeFacts', { ...base, pageSize: 1000, pageToken: token });
      facts.push(...response.tradeFacts);
      token = response.nextPageToken;
      if (!token) break;
    }
  } catch (error) {
    reportError(error);
    return;
  }
  const nodes = new Map();
  const edges = new Map();
  for (const f of facts) {
    if (!kinds.has(f.kind)) continue;
    for (const [from, to, directed] of factPairs(f)) {
      if (from.countryCode === to.countryCode) continue;
      const [a, b] = directed || from.countryCode < to.countryCode ? [from, to] : [to, from];
      for (const n of [a, b]) {
        const node = nodes.get(n.countryCode) || { code: n.countryCode, name: n.name, weight: 0 };
        node.weight += 1;
        nodes.set(n.countryCode, node);
      }
      const key = `${f.kind} ${a.countryCode} ${b.countryCode}`;
      const edge = edges.get(key) || { kind: f.kind, from: a.countryCode, to: b.countryCode, directed, count: 0 };
      edge.count += 1;
      edges.set(key, edge);
    }
  }
  renderGraph([...nodes.values()], [...edges.values()]);
  document.getElementById('relations-summary').textContent = `${facts.length} trade facts${facts.length >= MAX_RELATION_PAGES * 1000 ? ' (the first pages only)' : ''} · ${nodes.size} countries · ${edges.size} edges`;
  setStatus('Drawn.');
}

function renderGraph(nodes, edges) {
  const canvas = document.getElementById('relations');
  const [width, height] = [900, 640];
  const [cx, cy, radius] = [width / 2 - 80, height / 2, Math.min(width, height) / 2 - 70];
  nodes.sort((a, b) => b.weight - a.weight || a.code.localeCompare(b.code));
  // Around the circle, neighbours stay close: breadth first from the busiest country of each
  // connected group, so fewer edges cross the drawing.
  const links = new Map(nodes.map((n) => [n.code, []]));
  for (const e of edges) {
    links.get(e.from).push(e.to);
    links.get(e.to).push(e.from);
  }
  const weight = new Map(nodes.map((n) => [n.code, n.weight]));
  const order = [];
  const placed = new Set();
  for (const root of nodes) {
    if (placed.has(root.code)) continue;
    const queue = [root.code];
    placed.add(root.code);
    while (queue.length) {
      const code = queue.shift();
      order.push(code);
      const next = links.get(code).filter((c) => !placed.has(c)).sort((x, y) => weight.get(y) - weight.get(x) || x.localeCompare(y));
      for (const c of next) {
        placed.add(c);
        queue.push(c);
      }
    }
  }
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  nodes = order.map((code) => byCode.get(code));
  const at = new Map(nodes.map((n, i) => {
    const angle = (2 * Math.PI * i) / Math.max(nodes.length, 1) - Math.PI / 2;
    return [n.code, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) }];
  }));
  const defs = svg('defs');
  for (const [kind, color] of Object.entries(KIND_COLORS)) {
    defs.append(svg('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: color })));
  }
  const edgeLayer = svg('g', { class: 'edges' });
  const pairSeen = new Map();
  for (const e of edges.sort((a, b) => b.count - a.count)) {
    const [p, q] = [at.get(e.from), at.get(e.to)];
    const pair = [e.from, e.to].sort().join(' ');
    const nth = pairSeen.get(pair) || 0;
    pairSeen.set(pair, nth + 1);
    // Several kinds between one pair: bend each edge a little more.
    const bend = (nth % 2 ? -1 : 1) * Math.ceil(nth / 2) * 28;
    const [mx, my] = [(p.x + q.x) / 2, (p.y + q.y) / 2];
    const length = Math.hypot(q.x - p.x, q.y - p.y) || 1;
    const [nx, ny] = [-(q.y - p.y) / length, (q.x - p.x) / length];
    const shorten = 18 / length;
    const [sx, sy, tx, ty] = [p.x + (q.x - p.x) * shorten, p.y + (q.y - p.y) * shorten, q.x - (q.x - p.x) * shorten, q.y - (q.y - p.y) * shorten];
    const color = KIND_COLORS[e.kind] || '#444';
    edgeLayer.append(svg('path', {
      class: 'edge',
      d: `M ${sx} ${sy} Q ${mx + nx * bend} ${my + ny * bend} ${tx} ${ty}`,
      stroke: color,
      'stroke-width': (1.5 + 2.5 * Math.sqrt(e.count)).toFixed(1),
      fill: 'none',
      'marker-end': e.directed ? `url(#arrow-${e.kind})` : 'none',
      'data-kind': e.kind,
      'data-from': e.from,
      'data-to': e.to,
      'data-count': e.count,
    }, svg('title', {}, `${e.from} ${e.directed ? '→' : '–'} ${e.to}: ${short(e.kind, 'TRADE_FACT_KIND_').toLowerCase()}, asserted ${e.count} time${e.count === 1 ? '' : 's'}`)));
  }
  const nodeLayer = svg('g', { class: 'nodes' });
  for (const n of nodes) {
    const { x, y } = at.get(n.code);
    nodeLayer.append(svg('g', { class: 'node', 'data-code': n.code },
      svg('circle', { cx: x, cy: y, r: (8 + 3 * Math.sqrt(n.weight)).toFixed(1) }),
      svg('text', { x, y: y + 4, 'text-anchor': 'middle', class: 'node-code' }, n.code),
      svg('text', { x, y: y + 30 + Math.sqrt(n.weight) * 3, 'text-anchor': 'middle', class: 'node-name' }, n.name),
      svg('title', {}, `${n.name} (${n.code}): in ${n.weight} fact links`)));
  }
  const legend = svg('g', { class: 'legend', transform: `translate(${width - 170}, 20)` });
  Object.entries(KIND_COLORS).forEach(([kind, color], i) => {
    legend.append(svg('line', { x1: 0, y1: i * 20, x2: 24, y2: i * 20, stroke: color, 'stroke-width': 4 }),
      svg('text', { x: 30, y: i * 20 + 4 }, short(kind, 'TRADE_FACT_KIND_').toLowerCase()));
  });
  if (!nodes.length) {
    nodeLayer.append(svg('text', { x: cx, y: cy, 'text-anchor': 'middle', class: 'empty' }, 'No trade facts between two countries in this period.'));
  }
  canvas.replaceChildren(defs, edgeLayer, nodeLayer, legend);
}

// ---------------------------------------------------------------------------------------------
// Wiring.

function showTab(name) {
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.dataset.tab === name));
  document.querySelectorAll('.panel').forEach((p) => p.classList.toggle('active', p.id === `tab-${name}`));
  if (name === 'browse') fillDatalists();
}

function fillEnumSelects() {
  for (const select of document.querySelectorAll('select[data-enum]')) {
    const values = SCHEMA.enums[select.dataset.enum] || {};
    select.replaceChildren(...Object.entries(values).map(([number, name]) => el('option', { value: number === '0' ? '' : name },
      number === '0' ? 'any' : short(name, /^[A-Z]+(_[A-Z]+)*?_KIND_/).toLowerCase())));
  }
  const kinds = document.getElementById('relation-kinds');
  for (const [kind, color] of Object.entries(KIND_COLORS)) {
    kinds.append(el('label', { class: 'kind-choice' },
      el('input', { type: 'checkbox', name: 'relation-kind', value: kind, checked: true }),
      el('span', { class: 'swatch', style: `background:${color}` }), short(kind, 'TRADE_FACT_KIND_').toLowerCase()));
  }
}

async function start() {
  const keyInput = document.getElementById('api-key');
  keyInput.value = sessionStorage.getItem('newsfacts-api-key') || '';
  keyInput.addEventListener('change', () => sessionStorage.setItem('newsfacts-api-key', keyInput.value.trim()));
  document.querySelectorAll('.tab').forEach((t) => t.addEventListener('click', () => showTab(t.dataset.tab)));
  document.getElementById('article-form').addEventListener('submit', analyze);
  document.getElementById('article-file').addEventListener('change', openFile);
  const stored = document.getElementById('stored-articles');
  stored.addEventListener('focus', listStoredArticles);
  stored.addEventListener('change', () => openStored(stored.value));
  document.getElementById('statements-form').addEventListener('submit', (e) => { e.preventDefault(); browse('statements'); });
  document.getElementById('facts-form').addEventListener('submit', (e) => { e.preventDefault(); browse('facts'); });
  for (const pager of document.querySelectorAll('.pager')) {
    pager.querySelector('.prev').addEventListener('click', () => browse(pager.dataset.for, null, -1));
    pager.querySelector('.next').addEventListener('click', () => browse(pager.dataset.for, null, 1));
    pager.querySelector('.prev').disabled = true;
    pager.querySelector('.next').disabled = true;
  }
  document.getElementById('relations-form').addEventListener('submit', drawRelations);
  try {
    await loadSchema();
    fillEnumSelects();
    document.body.dataset.ready = 'true';
  } catch (error) {
    setStatus(`Cannot start: ${error.message}`, true);
  }
}

document.addEventListener('DOMContentLoaded', start);
