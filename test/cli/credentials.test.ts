/**
 * Where the caseworker commands find their server and token, and who the operator commands are
 * recorded as: no process, no server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimedRole, operatorActor, refuseAs } from '../../src/cli/actor';
import { loginFile, readLogin, removeLogin, resolveCredentials, writeLogin } from '../../src/cli/credentials';

describe('the CLI’s credentials', () => {
  let home: string;
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-credentials-'))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('the stored login lives under XDG_CONFIG_HOME, else ~/.config, readable only by its owner; the environment wins over it', () => {
    expect(loginFile({ HOME: home })).toBe(path.join(home, '.config', 'caseflow', 'login.json'));
    const env = { XDG_CONFIG_HOME: path.join(home, 'xdg'), HOME: home };
    expect(() => resolveCredentials(env)).toThrow(expect.objectContaining({ code: 'NOT_SIGNED_IN', details: { missing: 'url' } }));
    const file = writeLogin({ url: 'http://a.example:3000', token: 'cf_stored', user: 'li.wei', role: 'supervisor', tokenId: null }, env);
    expect(file).toBe(path.join(home, 'xdg', 'caseflow', 'login.json'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readLogin(env)).toMatchObject({ user: 'li.wei', token: 'cf_stored' });
    expect(resolveCredentials(env)).toEqual({ url: 'http://a.example:3000', token: 'cf_stored' });
    expect(resolveCredentials({ ...env, CASEFLOW_URL: 'http://b.example', CASEFLOW_TOKEN: 'cf_env' })).toEqual({ url: 'http://b.example', token: 'cf_env' });
    expect(removeLogin(env)).toBe(true);
    expect(removeLogin(env)).toBe(false);
    expect(() => resolveCredentials({ ...env, CASEFLOW_URL: 'http://b.example' })).toThrow(expect.objectContaining({ code: 'NOT_SIGNED_IN', details: { missing: 'token' } }));
  });

  it('the operator is recorded as operator:<os user>, an id no account can have; --as and caseflow’s own roles are refused', () => {
    expect(operatorActor('Root')).toEqual({ id: 'operator:root', role: 'operator' });
    expect(operatorActor('')).toEqual({ id: 'operator:unknown', role: 'operator' });
    expect(() => refuseAs('send', { as: 'mallory:system' })).toThrow(expect.objectContaining({ code: 'ACTOR_NOT_CLAIMABLE', details: expect.objectContaining({ claimed: 'mallory:system' }) }));
    expect(() => refuseAs('send', {})).not.toThrow();
    for (const role of ['system', 'operator', 'reporter']) expect(() => claimedRole({ role })).toThrow(expect.objectContaining({ code: 'ROLE_NOT_CLAIMABLE' }));
    expect(claimedRole({ role: 'supervisor' })).toBe('supervisor');
    expect(claimedRole({})).toBeUndefined();
  });
});
