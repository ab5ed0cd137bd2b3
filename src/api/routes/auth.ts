/**
 * Accounts over HTTP: who am I, users (admins only), and API tokens. A token is shown once, in the
 * answer that creates it; a user may create and revoke their own tokens, an admin anyone's.
 */
import { actorOf } from '../../auth/accounts';
import { USER_ROLES } from '../../auth/roles';
import { TokenNotFoundError } from '../../auth/errors';
import { ACCOUNT_ADMINS, authorizeTokenOwner, seesToken } from '../../engine/policy';
import type { Api } from '../context';
import { requireUser } from '../routing';
import { addUserBody, apiUser, createTokenBody, issuedToken, tokenIdParams, tokenInfo, tokenSignInBody, userList } from '../schemas';

const TOKEN_NOTICE = 'Keep this token secret: it is shown only this once. Send it as "Authorization: Bearer <token>".';

/** Registers the account routes. */
export function registerAuthRoutes(api: Api): void {
  api.route(
    { method: 'GET', url: '/auth/me', tag: 'auth', summary: 'The caller’s user and role', access: USER_ROLES, response: { description: 'The caller', schema: apiUser } },
    ({ user }) => requireUser(user),
  );

  api.route(
    { method: 'GET', url: '/auth/users', tag: 'auth', summary: 'Every user', access: ACCOUNT_ADMINS, response: { description: 'Users by name', schema: userList } },
    async () => ({ users: await api.accounts.listUsers() }),
  );

  api.route(
    {
      method: 'POST',
      url: '/auth/users',
      tag: 'auth',
      summary: 'Add a user with one role',
      description: `The name is the user’s official id, stored in lower case, recorded on every event they send and matched (ignoring case) against the official a case is about and its assignee. Roles: ${USER_ROLES.join(', ')}.`,
      access: ACCOUNT_ADMINS,
      body: addUserBody,
      status: 201,
      response: { description: 'The user', schema: apiUser },
    },
    ({ body }) => api.accounts.addUser(body.name, body.role),
  );

  api.route(
    {
      method: 'POST',
      url: '/auth/tokens',
      tag: 'auth',
      summary: 'Create an API token (shown once)',
      access: USER_ROLES,
      body: createTokenBody,
      status: 201,
      errors: [404],
      response: { description: 'The token: store it now, it is never shown again', schema: issuedToken },
    },
    async ({ body, user }) => {
      const me = requireUser(user);
      const owner = body.user ?? me.name;
      authorizeTokenOwner(actorOf(me), owner, 'create');
      return { ...(await api.accounts.createToken(owner, body.label)), notice: TOKEN_NOTICE };
    },
  );

  api.route(
    {
      method: 'POST',
      url: '/auth/token-sign-in',
      tag: 'auth',
      summary: 'Sign in with a user name and web password, for a new API token (shown once)',
      description:
        'What `caseflow login` does when asked for a password. A wrong name, a wrong password and a user without a password get the same 401 answer; attempts are rate-limited per client address.',
      access: 'public',
      body: tokenSignInBody,
      status: 201,
      errors: [401, 429],
      rateLimit: { max: api.limits.signInMax, timeWindow: api.limits.windowMs },
      response: { description: 'The token: store it now, it is never shown again', schema: issuedToken },
    },
    async ({ body }) => ({ ...(await api.accounts.signInForToken(body.name, body.password, body.label)), notice: TOKEN_NOTICE }),
  );

  api.route(
    {
      method: 'DELETE',
      url: '/auth/tokens/:id',
      tag: 'auth',
      summary: 'Revoke an API token by its id',
      access: USER_ROLES,
      params: tokenIdParams,
      response: { description: 'The revoked token (without its secret)', schema: tokenInfo },
    },
    async ({ params, user }) => {
      // someone else's token answers as an unknown id: a non-admin cannot tell which token ids exist
      if (!seesToken(actorOf(requireUser(user)), (await api.accounts.token(params.id)).user)) throw new TokenNotFoundError(params.id);
      return api.accounts.revokeToken(params.id);
    },
  );
}
