"""Purchasing use cases on the real unit of work, in a few words per step, for the contract tests."""

from decimal import Decimal

from core.domain.logistics.purchasing import PurchaseOrder, Receipt, Supplier, SupplierProduct
from core.domain.logistics.use_cases.purchasing import (
    CancelPurchaseOrder,
    ClosePurchaseOrder,
    CreatePurchaseOrder,
    NewPurchaseOrder,
    NewPurchaseOrderLine,
    ReceivePurchaseOrder,
    SubmitPurchaseOrder,
)
from core.domain.logistics.use_cases.suppliers import (
    CreateSupplier,
    NewSupplier,
    OfferTerms,
    SetSupplierProduct,
)
from tests.contracts.logistics_kit import OPS, Kit


class PurchasingKit(Kit):
    async def supplier(self, name: str = "Kerala Timber Co") -> Supplier:
        new = NewSupplier(
            name=name, email="orders@kerala-timber.example", lead_time_days=7, rating=Decimal("4.5")
        )
        return await CreateSupplier(self.uow(), self.clock, self.ids).execute(new, OPS)

    async def offer(self, supplier: str, product: str, preferred: bool = False) -> SupplierProduct:
        terms = OfferTerms(unit_cost=Decimal("9.75"), currency="INR", preferred=preferred)
        return await SetSupplierProduct(self.uow(), self.clock).execute(supplier, product, terms, OPS)

    async def purchase_order(self, supplier: str, warehouse: str, *lines: tuple[str, int]) -> PurchaseOrder:
        wanted = [NewPurchaseOrderLine(product_id=p, quantity=q, unit_cost=Decimal("9.75")) for p, q in lines]
        command = NewPurchaseOrder(supplier_id=supplier, warehouse_id=warehouse, currency="INR", lines=wanted)
        return await CreatePurchaseOrder(self.uow(), self.clock, self.ids).execute(command, OPS)

    async def submitted(self, supplier: str, warehouse: str, *lines: tuple[str, int]) -> PurchaseOrder:
        order = await self.purchase_order(supplier, warehouse, *lines)
        return await self.submit(order.id)

    async def submit(self, order: str) -> PurchaseOrder:
        return await SubmitPurchaseOrder(self.uow(), self.clock, self.ids).execute(order, OPS)

    async def cancel_po(self, order: str) -> PurchaseOrder:
        return await CancelPurchaseOrder(self.uow(), self.clock, self.ids).execute(order, OPS)

    async def close(self, order: str) -> PurchaseOrder:
        return await ClosePurchaseOrder(self.uow(), self.clock, self.ids).execute(order, OPS)

    async def receive(self, order: str, *lines: tuple[str, int], version: int | None = None) -> PurchaseOrder:
        receipts = [Receipt(product_id=product, quantity=quantity) for product, quantity in lines]
        return await ReceivePurchaseOrder(self.uow(), self.clock, self.ids).execute(
            order, receipts, OPS, version
        )

    async def stored(self, order: str) -> PurchaseOrder:
        async with self.uow() as uow:
            found = await uow.purchase_orders.get(order)
        assert found is not None
        return found
