package dev.lanyard.server;

/**
 * One Lanyard server shared by the protocol tests of a test run (a Spring context takes
 * seconds to start). Tests that change global state (throttling, restarts) start their
 * own.
 */
public final class SharedLanyard {

	private static LanyardTestServer server;

	private SharedLanyard() {
	}

	public static synchronized LanyardTestServer server() {
		if (server == null) {
			server = LanyardTestServer.start(LanyardTestServer.newDeployment());
			Runtime.getRuntime().addShutdownHook(new Thread(server::close));
		}
		return server;
	}

	public static OAuthFlows flows() {
		return new OAuthFlows(server().baseUrl());
	}

}
