/**
 * Errors of users, tokens and receipts, in caseflow's one error shape.
 */
import { CaseflowError } from '../errors';

/** No token, or one that is unknown, revoked or whose user is disabled. */
export class UnauthenticatedError extends CaseflowError {
  constructor(reason: 'missing' | 'invalid') {
    super(
      'UNAUTHENTICATED',
      reason === 'missing'
        ? 'This request needs an API token: send it as "Authorization: Bearer <token>". Create one with `caseflow token create --user NAME`.'
        : 'The API token is not valid: it is unknown, revoked, or its user is disabled. Ask an administrator for a new one.',
      { reason },
    );
  }
}

/** A user name that names nobody. */
export class UserNotFoundError extends CaseflowError {
  constructor(name: string) {
    super('NOT_FOUND', `No user is named "${name}". Add one with \`caseflow user add ${name} --role ROLE\`.`, { user: name });
  }
}

/** A token id that names no token. */
export class TokenNotFoundError extends CaseflowError {
  constructor(id: string) {
    super('NOT_FOUND', `No API token has the id "${id}". List tokens to find its id.`, { tokenId: id });
  }
}

/** A receipt code that matches no clue. It says nothing about which clues exist. */
export class ReceiptNotFoundError extends CaseflowError {
  constructor() {
    super('NOT_FOUND', 'No clue matches this receipt code. Check the code exactly as it was given to you when you filed the clue.', {
      field: 'receiptCode',
    });
  }
}

/** A sign-in with an unknown name, a wrong password, or an account without a password: one answer for all three. */
export class SignInFailedError extends CaseflowError {
  constructor() {
    super('UNAUTHENTICATED', 'The user name or the password is not right. Check both and try again; an administrator can set a new password with `caseflow user password NAME`.', {
      reason: 'credentials',
    });
  }
}

/** A form sent without the token of the page it came from (cross-site request forgery protection). */
export class CsrfRejectedError extends CaseflowError {
  constructor() {
    super('CSRF_REJECTED', 'This form has expired or did not come from caseflow. Reload the page and send it again.', { field: '_csrf' });
  }
}
