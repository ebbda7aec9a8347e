"""Operations: embedded services, the run-everything supervisor, migrations, deployment files."""
