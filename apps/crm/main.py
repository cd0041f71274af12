from dishka import Provider
from litestar import Litestar

from adapters.http.crm.customer_records import CustomerRecordsController
from adapters.http.crm.customers import CustomersController
from adapters.http.crm.interactions import InteractionsController
from adapters.http.crm.leads import LeadsController
from adapters.http.crm.opportunities import OpportunitiesController
from adapters.http.crm.reports import ReportsController
from adapters.http.crm.search import SearchController
from adapters.http.crm.tickets import TicketsController
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings, load_platform_settings
from apps.crm.ioc import CrmProvider
from apps.crm.sla_watch import watch_slas

SPEC = ServiceSpec(
    name="crm",
    title="BHIV CRM",
    description=(
        "Accounts and customers, contacts, leads, opportunities and pipeline, interactions and "
        "support tickets."
    ),
    route_handlers=[
        CustomersController,
        CustomerRecordsController,
        TicketsController,
        SearchController,
        LeadsController,
        OpportunitiesController,
        ReportsController,
        InteractionsController,
    ],
    providers=[CrmProvider()],
    background=[watch_slas],
)


def create_app(settings: PlatformSettings | None = None, *overrides: Provider) -> Litestar:
    return build_service_app(SPEC, settings or load_platform_settings(), overrides)
