package dev.lanyard.server.storage;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Gives every connection pool timeouts that turn a database outage into a quick, clear
 * error instead of a hung request: HikariCP waits 30 s for a connection and the driver
 * waits for ever for a reply by default; connects to a server that takes writes only
 * (after a failover a connection could land on the old primary, now read-only: every
 * write failed with a 500 while readiness said UP). Values a deployment set explicitly
 * are kept. Then puts the pool behind the PostgreSQL circuit breaker
 * ({@link GuardedDataSource}), so that once the outage is known, requests fail at once.
 */
@Component
class FailFastDataSourcePostProcessor implements BeanPostProcessor {

	private final ObjectProvider<BackendBreakers> breakers;

	FailFastDataSourcePostProcessor(ObjectProvider<BackendBreakers> breakers) {
		this.breakers = breakers;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource pool && !(bean instanceof GuardedDataSource)) {
			return new GuardedDataSource(pool, this.breakers.getObject().postgresql());
		}
		return bean;
	}

	private static final long HIKARI_DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && !pool.isRunning()) {
			if (pool.getConnectionTimeout() == HIKARI_DEFAULT_CONNECTION_TIMEOUT_MS) {
				pool.setConnectionTimeout(2_000);
				pool.setValidationTimeout(1_000);
			}
			pool.getDataSourceProperties().putIfAbsent("connectTimeout", "2");
			pool.getDataSourceProperties().putIfAbsent("loginTimeout", "2");
			pool.getDataSourceProperties().putIfAbsent("socketTimeout", "3");
			// After a failover, never a connection to the old primary become a standby
			// (or to a replica a name resolves to): a connection is made to a server that
			// takes writes or not at all, and one that finds its server read-only leaves
			// the pool.
			pool.getDataSourceProperties().putIfAbsent("targetServerType", "primary");
			if (pool.getExceptionOverride() == null && pool.getExceptionOverrideClassName() == null) {
				pool.setExceptionOverride(new ReadOnlyServerEviction());
			}
		}
		return bean;
	}

}
