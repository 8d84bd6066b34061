package dev.lanyard.server;

import dev.lanyard.server.user.JdbcUserAccountRepository;

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

	/**
	 * The id of a bootstrap user of the shared server, as grants and audit events name
	 * it.
	 */
	public static String userId(String loginName) {
		return server().bean(JdbcUserAccountRepository.class).findByLoginName(loginName).orElseThrow().id().toString();
	}

}
