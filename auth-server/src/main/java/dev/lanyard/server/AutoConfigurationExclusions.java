package dev.lanyard.server;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * Spring Boot auto-configurations an environment post-processor switches off: added to
 * those already excluded (by configuration or by another post-processor), never in their
 * place.
 */
public final class AutoConfigurationExclusions {

	/** The property Spring Boot reads the exclusions from. */
	public static final String PROPERTY = "spring.autoconfigure.exclude";

	private AutoConfigurationExclusions() {
	}

	/**
	 * The environment's exclusions and the given ones, as the property's value.
	 * @param environment the environment as configured so far
	 * @param more the auto-configuration classes to exclude as well
	 * @return a comma-separated list
	 */
	public static String with(ConfigurableEnvironment environment, Collection<String> more) {
		Set<String> excluded = new LinkedHashSet<>(
				StringUtils.commaDelimitedListToSet(environment.getProperty(PROPERTY, "")));
		excluded.addAll(more);
		excluded.remove("");
		return String.join(",", excluded);
	}

}
