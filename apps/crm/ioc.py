"""CRM's use cases; its unit of work comes from the database adapter's provider."""

from dishka import Provider, Scope, provide_all

from core.domain.crm.use_cases.customers import CreateCustomer, GetCustomer, ListCustomers, UpdateCustomer
from core.domain.crm.use_cases.interactions import CustomerTimeline, LogInteraction
from core.domain.crm.use_cases.leads import ConvertLead, CreateLead, GetLead, ListLeads, UpdateLead
from core.domain.crm.use_cases.opportunities import (
    CreateOpportunity,
    GetOpportunity,
    ListOpportunities,
    LoseOpportunity,
    UpdateOpportunity,
    WinOpportunity,
)
from core.domain.crm.use_cases.pipeline import ReportPipeline
from core.domain.crm.use_cases.privacy import EraseCustomer, ExportCustomer
from core.domain.crm.use_cases.search import SearchCrm
from core.domain.crm.use_cases.sla import FlagBreachedTickets
from core.domain.crm.use_cases.tickets import (
    AddComment,
    GetTicket,
    ListComments,
    ListTickets,
    OpenTicket,
    UpdateTicket,
)


class CrmProvider(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        CreateCustomer,
        GetCustomer,
        ListCustomers,
        UpdateCustomer,
        OpenTicket,
        GetTicket,
        ListTickets,
        UpdateTicket,
        AddComment,
        ListComments,
        SearchCrm,
    )
    pipeline = provide_all(
        CreateLead,
        GetLead,
        ListLeads,
        UpdateLead,
        ConvertLead,
        CreateOpportunity,
        GetOpportunity,
        ListOpportunities,
        UpdateOpportunity,
        WinOpportunity,
        LoseOpportunity,
        ReportPipeline,
        LogInteraction,
        CustomerTimeline,
        ExportCustomer,
        EraseCustomer,
    )
    sla = provide_all(FlagBreachedTickets)
