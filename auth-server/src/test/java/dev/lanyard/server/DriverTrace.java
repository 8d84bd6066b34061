package dev.lanyard.server;

import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgjdbc's protocol trace (java.util.logging, {@code FINEST}) while it is open: each
 * statement the driver parses in this JVM, with the parameter types (oids) it declared.
 * Open it after a server started, as a server's logging set-up resets levels.
 */
public final class DriverTrace extends Handler implements AutoCloseable {

	// pgjdbc's protocol trace of a Parse message: the statement as sent, and the types.
	private static final Pattern PARSE = Pattern
		.compile("FE=> Parse\\(stmt=[^,]*,query=\"(.*)\",oids=\\{([0-9,]*)\\}\\)", Pattern.DOTALL);

	private final Logger logger = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

	private final Map<String, String> sent;

	private final java.util.function.Predicate<String> threads;

	private final Level level;

	private final boolean useParentHandlers;

	/**
	 * @param sent where each statement goes, with its comma-separated parameter type oids
	 * (a thread-safe map: the driver's threads write it)
	 */
	public DriverTrace(Map<String, String> sent) {
		this(sent, (thread) -> true);
	}

	/**
	 * @param sent where each statement goes, with its comma-separated parameter type oids
	 * (a thread-safe map: the driver's threads write it)
	 * @param threads the names of the threads whose statements count (the driver logs on
	 * the thread that sends)
	 */
	public DriverTrace(Map<String, String> sent, java.util.function.Predicate<String> threads) {
		this.threads = threads;
		this.sent = sent;
		this.level = this.logger.getLevel();
		this.useParentHandlers = this.logger.getUseParentHandlers();
		this.logger.addHandler(this);
		this.logger.setUseParentHandlers(false);
		this.logger.setLevel(Level.FINEST);
	}

	@Override
	public void publish(LogRecord record) {
		String message = record.getMessage();
		if (message != null && message.contains("FE=> Parse(") && this.threads.test(Thread.currentThread().getName())) {
			Matcher parse = PARSE.matcher(message);
			if (parse.find()) {
				this.sent.put(parse.group(1), parse.group(2));
			}
		}
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
		this.logger.setLevel(this.level);
		this.logger.setUseParentHandlers(this.useParentHandlers);
		this.logger.removeHandler(this);
	}

}
