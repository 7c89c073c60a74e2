package dev.tollgate.devmode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import dev.tollgate.policy.PolicyDocument;
import dev.tollgate.policy.PolicyStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Seeds {@code devmode/demo-policy.yml} into an empty policy, once: a policy that holds
 * anything (the demo from an earlier run, or what the developer built) is left alone.
 * Applied like a {@code PUT /api/v1/policy}, so it is validated and audited as
 * {@code POLICY_CHANGED}.
 */
@Component
@Profile("dev")
class DemoPolicy implements ApplicationRunner {

	static final String CHANGED_BY = "dev-mode";

	private static final Log log = LogFactory.getLog(DemoPolicy.class);

	private final PolicyStore policy;

	DemoPolicy(PolicyStore policy) {
		this.policy = policy;
	}

	@Override
	public void run(ApplicationArguments args) {
		PolicyDocument current = this.policy.export();
		if (!current.roles().isEmpty() || !current.bindings().isEmpty() || !current.targets().isEmpty()
				|| !current.rules().isEmpty()) {
			log.info("Dev mode: the policy is not empty, so the demo policy is not seeded");
			return;
		}
		this.policy.apply(demo(), false, CHANGED_BY);
		log.info("Dev mode: seeded the demo policy (project DEMO) from devmode/demo-policy.yml");
	}

	static PolicyDocument demo() {
		try (InputStream in = new ClassPathResource("devmode/demo-policy.yml").getInputStream()) {
			return YAMLMapper.builder().build().readValue(in, PolicyDocument.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
