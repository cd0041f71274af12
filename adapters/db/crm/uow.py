from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.crm.pipeline import SqlInteractionRepository, SqlLeadRepository, SqlOpportunityRepository
from adapters.db.crm.repositories import SqlCustomerRepository, SqlTicketRepository
from adapters.db.crm.search import PostgresCrmSearch, SqliteCrmSearch
from adapters.db.uow import SqlUnitOfWork
from core.ports.crm import CrmUnitOfWork


class SqlCrmUnitOfWork(SqlUnitOfWork, CrmUnitOfWork):
    """Customers, tickets and their comments, leads, opportunities, interactions, and the search
    over them: CRM's one transaction."""

    customers: SqlCustomerRepository
    tickets: SqlTicketRepository
    search: SqliteCrmSearch | PostgresCrmSearch
    leads: SqlLeadRepository
    opportunities: SqlOpportunityRepository
    interactions: SqlInteractionRepository

    def bind_repositories(self, session: AsyncSession) -> None:
        self.customers = SqlCustomerRepository(session)
        self.tickets = SqlTicketRepository(session)
        self.leads = SqlLeadRepository(session)
        self.opportunities = SqlOpportunityRepository(session)
        self.interactions = SqlInteractionRepository(session)
        postgres = session.get_bind().dialect.name == "postgresql"
        self.search = PostgresCrmSearch(session) if postgres else SqliteCrmSearch(session)
