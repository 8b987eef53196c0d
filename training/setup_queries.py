"""Reads for the training admin pages: courses, versions, requirements, units to choose from."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import Course, CourseVersion, ImportBatch, Requirement, Unit


def courses(order_by: str = "name") -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.code if order_by == "code" else Course.name)))


def versions() -> list[CourseVersion]:
    return list(db.session.scalars(select(CourseVersion).order_by(CourseVersion.published_on)))


def requirements() -> list[Requirement]:
    return list(db.session.scalars(select(Requirement).order_by(Requirement.id)))


def last_import() -> ImportBatch | None:
    return db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1)).first()


def units_in_tree_order() -> list[Unit]:
    """Every unit, each directly after its parent (by path)."""
    return list(db.session.scalars(select(Unit).order_by(Unit.path)))


def course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)
