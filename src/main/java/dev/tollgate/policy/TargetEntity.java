package dev.tollgate.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "target")
class TargetEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	Long id;

	@Column(nullable = false)
	String name;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false)
	Target.Kind kind;

	@Column(name = "base_url")
	String baseUrl;

	String repository;

	String workflow;

	String project;

	String job;

	String ref;

	@Column(name = "credential_ref")
	String credentialRef;

	String auth;

	@Column(name = "app_id")
	String appId;

	@Column(name = "installation_id")
	String installationId;

	@Convert(converter = StringMapConverter.class)
	@Column(name = "template_values", nullable = false)
	Map<String, String> templateValues = new LinkedHashMap<>();

	@Version
	int version;

	@Column(name = "updated_at", nullable = false)
	Instant updatedAt = Instant.now();

	Target record() {
		Map<String, String> values = Map.copyOf(this.templateValues);
		return new Target(this.name, this.kind, this.baseUrl, this.repository, this.workflow, this.project, this.job,
				this.ref, this.credentialRef, (this.kind == Target.Kind.GITHUB_ACTIONS) ? values : null,
				(this.kind == Target.Kind.GITLAB) ? values : null, (this.kind == Target.Kind.JENKINS) ? values : null,
				this.auth, this.appId, this.installationId);
	}

	void apply(Target target) {
		this.name = target.name();
		this.kind = target.kind();
		this.baseUrl = target.baseUrl();
		this.repository = target.repository();
		this.workflow = target.workflow();
		this.project = target.project();
		this.job = target.job();
		this.ref = target.ref();
		this.credentialRef = target.credentialRef();
		this.templateValues = new LinkedHashMap<>(target.templateValues());
		this.auth = target.auth();
		this.appId = target.appId();
		this.installationId = target.installationId();
		this.updatedAt = Instant.now();
	}

}
