import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bound of the exchange grant: bare JCA SHA256withRSA (RS256, 2048-bit key, as Lanyard
 * signs) over an internal JWT's signing input, with the given number of threads.
 *
 *   java bench/RsaSignBaseline.java <threads> <seconds>
 *
 * Prints the signatures per second and the CPU milliseconds per signature.
 */
public class RsaSignBaseline {

	public static void main(String[] args) throws Exception {
		int threads = Integer.parseInt(args[0]);
		int seconds = Integer.parseInt(args[1]);
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
				"{\"kid\":\"Vk3hx0h2bXo9Ew1sZ8aP3cYQ7rN5tLmU2dFgH6jKiOw\",\"typ\":\"at+jwt\",\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
		String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"iss\":\"http://localhost:9400\","
				+ "\"sub\":\"5b4e7d20-3a4f-4886-9393-71dc55d53149\",\"aud\":\"internal\",\"exp\":1795972957,"
				+ "\"iat\":1795972657,\"nbf\":1795972657,\"jti\":\"f3a0c1de-9c1e-4f5e-8f0e-2f7c6f0b8d11\","
				+ "\"client_id\":\"web-app\",\"scope\":\"openid profile\",\"sid\":\"q3b0LrVUn3Zz9JmQm3mJ2w\","
				+ "\"auth_time\":1795972600,\"preferred_username\":\"alice\",\"roles\":[\"user\",\"admin\"],"
				+ "\"tenant\":\"acme\",\"act\":{\"sub\":\"gateway\"}}").getBytes(StandardCharsets.UTF_8));
		byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
		LongAdder signatures = new LongAdder();
		AtomicBoolean measuring = new AtomicBoolean(false);
		AtomicBoolean running = new AtomicBoolean(true);
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			workers[t] = new Thread(() -> {
				try {
					Signature signer = Signature.getInstance("SHA256withRSA");
					while (running.get()) {
						signer.initSign(pair.getPrivate());
						signer.update(input);
						signer.sign();
						if (measuring.get()) {
							signatures.increment();
						}
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			workers[t].start();
		}
		Thread.sleep(3000);
		ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
		long cpuBefore = 0;
		for (Thread worker : workers) {
			cpuBefore += cpu.getThreadCpuTime(worker.getId());
		}
		measuring.set(true);
		long started = System.nanoTime();
		Thread.sleep(seconds * 1000L);
		measuring.set(false);
		long elapsed = System.nanoTime() - started;
		long cpuAfter = 0;
		for (Thread worker : workers) {
			cpuAfter += cpu.getThreadCpuTime(worker.getId());
		}
		running.set(false);
		for (Thread worker : workers) {
			worker.join();
		}
		System.out.printf("%.2f %.4f%n", signatures.sum() / (elapsed / 1e9), (cpuAfter - cpuBefore) / 1e6 / signatures.sum());
	}

}
