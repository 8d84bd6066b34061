package dev.lanyard.server;

/**
 * What importing an entry of the bootstrap file did to the stored entity.
 */
public enum ImportOutcome {

	/** The entity did not exist and was created. */
	CREATED,

	/** The entity existed and at least one of its settings changed. */
	UPDATED,

	/** The entity existed exactly as the file describes it: nothing was written. */
	UNCHANGED

}
