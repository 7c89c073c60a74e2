package dev.tollgate.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Spring Data repository; only this package uses it. */
interface Rules extends JpaRepository<RuleEntity, Long> {

	List<RuleEntity> findAllByOrderByIdAsc();

	@Query("select r from RuleEntity r where lower(r.name) = lower(?1)")
	Optional<RuleEntity> findByName(String name);

}
