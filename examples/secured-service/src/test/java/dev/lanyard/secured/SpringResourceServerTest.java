package dev.lanyard.secured;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The documented alternative: Spring's own resource server configured for Lanyard's
 * {@code at+jwt} tokens ({@link ResourceServerConfiguration}), the library switched off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("resource-server")
class SpringResourceServerTest extends SpringSecurityContract {

}
