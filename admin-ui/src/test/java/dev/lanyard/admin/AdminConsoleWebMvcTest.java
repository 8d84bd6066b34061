package dev.lanyard.admin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A console slice test: every console controller and the advice over MockMvc, signed in
 * as an administrator, with the in-memory ports of {@link AdminConsoleTestApplication}
 * reset before each test. One annotation, so that every test class shares one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@WebMvcTest
@WithMockUser(username = TestAdminIdentity.NAME, roles = AdminIdentity.ADMIN_ROLE)
@ExtendWith(AdminConsoleWebMvcTest.ResetTestDoubles.class)
public @interface AdminConsoleWebMvcTest {

	/** Resets every {@link TestDouble} in the context before each test. */
	class ResetTestDoubles implements BeforeEachCallback {

		@Override
		public void beforeEach(ExtensionContext context) {
			SpringExtension.getApplicationContext(context)
				.getBeansOfType(TestDouble.class)
				.values()
				.forEach(TestDouble::reset);
		}

	}

}
