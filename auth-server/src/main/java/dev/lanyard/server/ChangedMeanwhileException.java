package dev.lanyard.server;

/**
 * The entity changed since the version a change was made from: applying it would undo
 * that change unseen (an account disabled in an incident enabled again by a form shown
 * before). Nothing was changed; the caller reads the entity again.
 */
public class ChangedMeanwhileException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ChangedMeanwhileException(String message) {
		super(message);
	}

}
