package dev.lanyard.admin;

/**
 * An in-memory port of the console's slice tests. The slice context is shared by every
 * test class, so each test starts from {@link #reset()}.
 */
public interface TestDouble {

	/** Back to the standard fixtures, with nothing recorded. */
	void reset();

	/** Whether no change was asked of this port since the last reset. */
	boolean untouched();

}
