/**
 * Web test fixtures: the API fixture (a real server on its own database) with a password for each
 * person, and a small browser-like client that keeps cookies, reads the CSRF token off each page and
 * sends forms as a browser does.
 */
import { PEOPLE, startApi, type ApiFixture, type Person } from '../../api/support/server';

/** Every person's web password in the tests. */
export const PASSWORD = 'correct horse battery';

export interface Page {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/** A browser's view of the site: its cookies, and the CSRF token of the last page it read. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  /** `language` is the browser's Accept-Language; the tests read English pages unless they say otherwise. */
  constructor(
    readonly url: string,
    readonly language = 'en',
  ) {}

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async send(method: string, path: string, body?: URLSearchParams, headers: Record<string, string> = {}): Promise<Page> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${this.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { accept: 'text/html', 'accept-language': this.language, ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(body ? { body } : {}),
    });
    this.remember(response);
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, html, location: response.headers.get('location'), headers: response.headers };
  }

  /** GET a page. */
  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.send('GET', path, undefined, headers);
  }

  /** POST a form with the current CSRF token (unless `csrf: false`). */
  post(path: string, fields: Record<string, string>, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Page> {
    const body = new URLSearchParams({ ...(options.csrf === false ? {} : { _csrf: this.csrf }), ...fields });
    return this.send('POST', path, body, options.headers);
  }

  /** Signs in as `name` through the sign-in form. */
  async signIn(name: string, password = PASSWORD): Promise<Page> {
    await this.get('/login');
    return this.post('/login', { name, password });
  }
}

/** The API fixture with a web password for every person. */
export async function startWeb(): Promise<ApiFixture> {
  const api = await startApi();
  for (const { name } of Object.values(PEOPLE)) await api.accounts.setPassword(name, PASSWORD);
  return api;
}

/** A client signed in as `person`. */
export async function signedInAs(api: ApiFixture, person: Person): Promise<WebClient> {
  const client = new WebClient(api.url);
  const page = await client.signIn(PEOPLE[person].name);
  if (page.status !== 303) throw new Error(`sign-in as ${person} answered ${page.status}: ${page.html.slice(0, 300)}`);
  await client.get('/inbox'); // a page of the session, for its CSRF token
  return client;
}
