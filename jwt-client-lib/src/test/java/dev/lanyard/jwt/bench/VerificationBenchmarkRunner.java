package dev.lanyard.jwt.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link JwtVerificationBenchmark} in interleaved rounds and reports throughput
 * ratios.
 *
 * <p>
 * On a shared two-core machine, load from other processes drifts over minutes; plain JMH
 * runs one benchmark after the other, so drift lands on some benchmarks and not others.
 * Here every round runs each single-threaded benchmark once (one fresh JVM fork each,
 * order rotated per round) plus the {@code sideBySide} group, which measures bare JCA and
 * Lanyard on two threads in the same time window. Ratios are computed within a round; the
 * median over rounds is the figure to quote, as it resists the odd round disturbed by
 * another process.
 *
 * <p>
 * Arguments, all optional: {@code rounds=5 warmup=4 iterations=4 time=1} (seconds per
 * iteration).
 */
public final class VerificationBenchmarkRunner {

	private static final List<String> SINGLE = List.of("jcaSha256WithRsa", "lanyardJwtVerifier",
			"springNimbusJwtDecoder", "jcaSha256WithRsaReused", "lanyardJwtVerifierRepeated");

	private VerificationBenchmarkRunner() {
	}

	public static void main(String[] args) throws RunnerException {
		Map<String, String> settings = new LinkedHashMap<>(
				Map.of("rounds", "5", "warmup", "4", "iterations", "4", "time", "1"));
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			if (pair.length != 2 || !settings.containsKey(pair[0])) {
				throw new IllegalArgumentException("Unknown argument " + arg + "; known: " + settings.keySet());
			}
			settings.put(pair[0], pair[1]);
		}
		int rounds = Integer.parseInt(settings.get("rounds"));
		Map<String, List<Double>> scores = new LinkedHashMap<>();
		SINGLE.forEach(name -> scores.put(name, new ArrayList<>()));
		scores.put("sideBySideJca", new ArrayList<>());
		scores.put("sideBySideLanyard", new ArrayList<>());
		System.out.printf("Interleaved JMH rounds: %s, JDK %s, %d CPUs%n", settings, Runtime.version(),
				Runtime.getRuntime().availableProcessors());
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < SINGLE.size(); i++) {
				String name = SINGLE.get((i + round) % SINGLE.size());
				scores.get(name).add(run(name + "$", settings).getPrimaryResult().getScore());
			}
			RunResult group = run("sideBySide$", settings);
			scores.get("sideBySideJca").add(group.getSecondaryResults().get("sideBySideJca").getScore());
			scores.get("sideBySideLanyard").add(group.getSecondaryResults().get("sideBySideLanyard").getScore());
			System.out.printf(Locale.ROOT, "round %d: %s%n  lanyard/jca %.3f  side by side %.3f  lanyard/spring %.3f%n",
					round + 1, last(scores), ratio(scores, "lanyardJwtVerifier", "jcaSha256WithRsa", round),
					ratio(scores, "sideBySideLanyard", "sideBySideJca", round),
					ratio(scores, "lanyardJwtVerifier", "springNimbusJwtDecoder", round));
		}
		System.out.println();
		System.out.printf("%-26s %12s %12s %12s%n", "benchmark (ops/s)", "mean", "min", "max");
		scores.forEach((name, values) -> System.out.printf(Locale.ROOT, "%-26s %12.0f %12.0f %12.0f%n", name,
				values.stream().mapToDouble(Double::doubleValue).average().orElse(0),
				values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
				values.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
		printRatio(scores, "lanyardJwtVerifier", "jcaSha256WithRsa", rounds);
		printRatio(scores, "sideBySideLanyard", "sideBySideJca", rounds);
		printRatio(scores, "lanyardJwtVerifier", "jcaSha256WithRsaReused", rounds);
		printRatio(scores, "lanyardJwtVerifier", "springNimbusJwtDecoder", rounds);
		printRatio(scores, "lanyardJwtVerifierRepeated", "jcaSha256WithRsa", rounds);
	}

	private static RunResult run(String pattern, Map<String, String> settings) throws RunnerException {
		TimeValue time = TimeValue.seconds(Long.parseLong(settings.get("time")));
		Options options = new OptionsBuilder().include(JwtVerificationBenchmark.class.getName() + "\\." + pattern)
			.forks(1)
			.warmupIterations(Integer.parseInt(settings.get("warmup")))
			.warmupTime(time)
			.measurementIterations(Integer.parseInt(settings.get("iterations")))
			.measurementTime(time)
			.verbosity(VerboseMode.SILENT)
			.build();
		return new Runner(options).runSingle();
	}

	private static double ratio(Map<String, List<Double>> scores, String a, String b, int round) {
		return scores.get(a).get(round) / scores.get(b).get(round);
	}

	private static void printRatio(Map<String, List<Double>> scores, String a, String b, int rounds) {
		double[] ratios = new double[rounds];
		double sum = 0;
		for (int round = 0; round < rounds; round++) {
			ratios[round] = ratio(scores, a, b, round);
			sum += ratios[round];
		}
		Arrays.sort(ratios);
		double median = rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
		System.out.printf(Locale.ROOT, "ratio %s / %s: median %.3f, mean %.3f (min %.3f, max %.3f)%n", a, b, median,
				sum / rounds, ratios[0], ratios[rounds - 1]);
	}

	private static String last(Map<String, List<Double>> scores) {
		StringBuilder text = new StringBuilder();
		scores.forEach((name, values) -> text.append(name)
			.append('=')
			.append(String.format(Locale.ROOT, "%.0f", values.get(values.size() - 1)))
			.append(' '));
		return text.toString().trim();
	}

}
