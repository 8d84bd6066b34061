package dev.lanyard.admin;

/**
 * A refusal a {@link TestDouble} answers its next change with, instead of changing
 * anything; asked once, thrown once.
 */
public final class NextRefusal {

	private RuntimeException refusal;

	public void set(RuntimeException refusal) {
		this.refusal = refusal;
	}

	public void clear() {
		this.refusal = null;
	}

	/** Throws the refusal, if one was set, and forgets it. */
	public void throwIfSet() {
		RuntimeException next = this.refusal;
		this.refusal = null;
		if (next != null) {
			throw next;
		}
	}

}
