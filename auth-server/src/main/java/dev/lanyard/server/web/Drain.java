package dev.lanyard.server.web;

import java.io.IOException;
import java.time.Duration;

import dev.lanyard.server.LanyardProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first thing a node does when told to stop (SIGTERM): it reports readiness
 * {@code OUT_OF_SERVICE} and keeps serving for the drain period (the Kubernetes
 * {@code preStop} pattern), so balancers take it out while nothing fails; only then does
 * the web server shut down gracefully (issue 9, item 2). While draining, every response
 * says {@code Connection: close}, so a balancer never sends a request on a kept-alive
 * connection the node is about to close (which it could not retry for a POST): its next
 * request opens a new connection, refused once the node stops listening, and goes to
 * another node.
 */
public final class Drain extends OncePerRequestFilter
		implements SmartLifecycle, ApplicationListener<AvailabilityChangeEvent<ReadinessState>>, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(Drain.class);

	private final ApplicationContext context;

	private final Duration period;

	private volatile boolean running;

	private volatile boolean draining;

	private volatile boolean stopping;

	public Drain(ApplicationContext context, LanyardProperties properties) {
		this.context = context;
		this.period = properties.shutdown().drain();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.draining) {
			response.setHeader("Connection", "close");
		}
		chain.doFilter(request, response);
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Spring Boot reports the node not ready as soon as the context starts closing,
	 * before any lifecycle bean stops: from that moment on (this listener runs before the
	 * one that makes readiness answer 503), connections are not kept. Also while an
	 * operator has marked the node not ready.
	 */
	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		this.draining = this.stopping || event.getState() == ReadinessState.REFUSING_TRAFFIC;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void stop() {
		this.stopping = true;
		this.draining = true;
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		if (!this.period.isZero()) {
			logger.info("Draining for {} before shutting down", this.period);
			try {
				Thread.sleep(this.period.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops before everything else, the web server's graceful shutdown included. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
