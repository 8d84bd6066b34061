package dev.lanyard.server.account;

import java.time.Instant;
import java.util.UUID;

import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.user.UserService;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A person's own password change (on the account page, or with a reset link), in one
 * transaction: the new password (the policy), the end of every earlier sign-in session,
 * then every grant revoked (gateways hear it once the transaction commits). Sessions end
 * before grants, so an old session cannot start a grant that outlives the revocation; and
 * either all of it happens or none.
 */
@Service
class PasswordChange {

	private final UserService users;

	private final GrantRevocations revocations;

	PasswordChange(UserService users, GrantRevocations revocations) {
		this.users = users;
		this.revocations = revocations;
	}

	/**
	 * What the change did.
	 *
	 * @param signInsNotBefore sessions begun before it are over; the person's own goes on
	 * as one begun at it
	 * @param grantsRevoked how many grants were revoked
	 */
	record Result(Instant signInsNotBefore, int grantsRevoked) {
	}

	/**
	 * @throws dev.lanyard.server.InputRejectedException if the password breaks the policy
	 */
	@Transactional
	Result change(UUID id, String password) {
		this.users.setPassword(id, password);
		Instant notBefore = this.users.endSignIns(id);
		int revoked = this.revocations.revokeByPrincipal(id.toString(), "password_changed");
		return new Result(notBefore, revoked);
	}

}
