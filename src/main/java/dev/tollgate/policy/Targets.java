package dev.tollgate.policy;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Spring Data repository; only this package uses it. */
interface Targets extends JpaRepository<TargetEntity, Long> {

	@Query("select t from TargetEntity t where lower(t.name) = lower(?1)")
	Optional<TargetEntity> findByName(String name);

	List<TargetEntity> findAllByOrderByNameAsc();

}
