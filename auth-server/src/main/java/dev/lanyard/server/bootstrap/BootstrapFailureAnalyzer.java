package dev.lanyard.server.bootstrap;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad bootstrap file into a short start-up message instead of a stack trace. */
class BootstrapFailureAnalyzer extends AbstractFailureAnalyzer<BootstrapFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BootstrapFileException cause) {
		return new FailureAnalysis("The bootstrap file is not valid: " + cause.getMessage(),
				"Correct the bootstrap file named by LANYARD_BOOTSTRAP, or unset LANYARD_BOOTSTRAP.", cause);
	}

}
