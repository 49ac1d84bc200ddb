#!/bin/sh
# Stand-in for Prisma's schema-engine binary where it cannot be downloaded. `prisma generate`
# only checks that the file exists; a command that really needs the engine (migrate, db pull)
# lands here and says what to do instead.
echo "The Prisma schema engine is not installed on this machine." >&2
echo "Migrations are applied by the service itself: npm run db:migrate (see README, Runbook)." >&2
echo "Where the engine is available, unset PRISMA_SCHEMA_ENGINE_BINARY to use prisma migrate." >&2
exit 1
