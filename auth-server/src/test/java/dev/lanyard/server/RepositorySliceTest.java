package dev.lanyard.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * A repository slice test: the JDBC repositories of {@link RepositorySlice} on a real
 * PostgreSQL database migrated by Flyway, with no web layer, security or Redis. Every
 * test class so annotated shares one context (and one database); each test runs in a
 * transaction rolled back at its end, so a test that commits (two transactions, say) must
 * delete what it wrote.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@JdbcTest
@AutoConfigureTestDatabase(replace = Replace.NONE)
@ContextConfiguration(classes = RepositorySlice.class)
public @interface RepositorySliceTest {

}
