package dev.tollgate.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tollgate.audit.AuditLog;
import dev.tollgate.support.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start without any way to administer the instance says so; a start with one stays
 * quiet. Other tests' admin tokens in the shared database are expired inside a
 * transaction that is rolled back.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminTokenWarningTests extends IntegrationTest {

	private static final String WARNING = "No admin token is configured (tollgate.admin.bootstrap-token / "
			+ "TOLLGATE_ADMIN_BOOTSTRAP_TOKEN)";

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private AuditLog audit;

	@Autowired
	private TransactionTemplate tx;

	@Test
	void noBootstrapTokenAndNoAdminTokenIsWarnedAbout(CapturedOutput output) {
		this.tx.executeWithoutResult((status) -> {
			status.setRollbackOnly();
			expireEveryAdminToken();
			new ApiTokens(this.jdbc, this.audit, new AdminProperties(null)).warnWhenNoAdminTokenIsConfigured();
		});
		assertThat(output.getOut()).contains(WARNING);
	}

	@Test
	void aBootstrapTokenOrAnAdminTokenKeepsItQuiet(CapturedOutput output) {
		this.tx.executeWithoutResult((status) -> {
			status.setRollbackOnly();
			expireEveryAdminToken();
			new ApiTokens(this.jdbc, this.audit, new AdminProperties("a-bootstrap-token"))
				.warnWhenNoAdminTokenIsConfigured();
			this.jdbc
				.sql("""
						INSERT INTO tollgate.api_token (name, token_hash, scopes) VALUES ('warning-test', 'f00d', ARRAY['admin'])
						""")
				.update();
			new ApiTokens(this.jdbc, this.audit, new AdminProperties(null)).warnWhenNoAdminTokenIsConfigured();
		});
		assertThat(output.getOut()).doesNotContain(WARNING);
	}

	private void expireEveryAdminToken() {
		this.jdbc
			.sql("UPDATE tollgate.api_token SET expires_at = now() - interval '1 day' WHERE 'admin' = ANY (scopes)")
			.update();
	}

}
